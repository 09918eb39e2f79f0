/**
 * SOLO's tokenizer on DJL's Hugging Face tokenizers binding: {@link ai.solo.impl.text.HfSoloTokenizer}
 * reads a {@code tokenizer.json}, adds SOLO's appended tokens ({@code <vision>} ...
 * {@code <|im_end|>}, SPEC §3) where the file lacks them, and keeps them and the file's own
 * control tokens ({@code <s>}, {@code </s>}, {@code <unk>}, ...) out of text encoding.
 */
package ai.solo.impl.text;
