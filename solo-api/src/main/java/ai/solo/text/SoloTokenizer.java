package ai.solo.text;

import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Text to token ids and back for a SOLO model: a Hugging Face {@code tokenizer.json} plus
 * SOLO's appended tokens ({@code <vision>}, {@code <vpatch>}, {@code <vrow_sep>},
 * {@code <vframe_sep>}, {@code </vision>}, {@code <loc_1>}..{@code <loc_1024>},
 * {@code <|im_start|>}, {@code <|im_end|>}; SPEC §3).
 *
 * <p>Appended tokens are added when the file lacks them, at the ids SOLO-7B uses when the base
 * vocabulary is Mistral's (32,000 pieces: {@code <vision>} = 32000). {@link #encode(String)}
 * treats all text as text: it never produces an appended id nor a control token such as
 * {@code <s>} or {@code </s>}, even for text that literally contains {@code "<vision>"} or
 * {@code "</s>"}, so user content cannot inject structure. Vision and control tokens enter a
 * sequence only through {@link SequenceBuilder}.
 *
 * <p>Holds native memory: close it. Thread-safe for concurrent encode/decode.
 */
public interface SoloTokenizer extends AutoCloseable {

    /**
     * @param path a {@code tokenizer.json} file, or a folder holding one
     * @return the tokenizer
     * @throws ai.solo.CheckpointException if the file is missing or malformed
     */
    static SoloTokenizer load(Path path) {
        return SoloProviders.get().loadTokenizer(path);
    }

    /**
     * Encodes text without adding {@code <s>}.
     *
     * @param text any text; appended tokens written in it are encoded as ordinary text
     * @return token ids
     */
    int[] encode(String text);

    /**
     * Decodes ids to text. Appended tokens are rendered as their strings unless skipped.
     *
     * @param ids token ids
     * @param skipSpecialTokens drop {@code <s>}, {@code </s>} and all appended tokens
     * @return the text
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /**
     * @param token a token string such as {@code "<|im_start|>"} or {@code "</s>"}
     * @return its id when it is a single token of this vocabulary
     */
    OptionalInt tokenId(String token);

    /** @return ids of SOLO's vision tokens */
    VisionTokens visionTokens();

    /** @return ids of every appended SOLO token, ascending; generation suppresses them by default */
    int[] appendedTokenIds();

    /** @return id of {@code <s>} */
    int bosTokenId();

    /** @return id of {@code </s>} */
    int eosTokenId();

    /** @return number of ids, appended tokens included (one more than the largest id) */
    int vocabSize();

    /**
     * Writes this tokenizer into a checkpoint folder ({@code tokenizer.json} with SOLO's tokens
     * at their ids, and {@code tokenizer_config.json} if one was loaded), each file replaced
     * atomically, so Hugging Face tooling loading the folder gets the same ids.
     *
     * @param dir the checkpoint folder; must exist
     */
    void saveTo(Path dir);

    /** Releases native memory; safe to call twice. Encoding after close throws {@link IllegalStateException}. */
    @Override
    void close();
}
