package ai.solo.generate;

import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.InvalidInputException;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;

/**
 * Turns a {@link Conversation} into model input: the chat format a model was fine-tuned with.
 * Assistant turns are marked as training targets, so the same rendering serves generation and
 * instruction fine-tuning. Implementations must be stateless and thread-safe.
 *
 * @see ChatTemplates
 */
@FunctionalInterface
public interface ChatTemplate {

    /**
     * @param conversation the turns to render
     * @param context tokenizer, image patcher and image layout to render with
     * @return the token sequence; when the conversation ends with a user turn, the model's next
     *     tokens are the assistant's answer
     */
    TokenSequence render(Conversation conversation, Context context);

    /**
     * What a template renders with.
     *
     * @param tokenizer encodes text and supplies special token ids
     * @param patcher turns image parts into patches
     * @param imageClose the token closing each image
     */
    record Context(SoloTokenizer tokenizer, ImagePatcher patcher, ImageClose imageClose) {

        /**
         * Validates the fields.
         *
         * @param tokenizer encodes text
         * @param patcher patches images
         * @param imageClose closes images
         */
        public Context {
            if (tokenizer == null || patcher == null || imageClose == null) {
                throw new InvalidInputException("tokenizer, patcher and imageClose must not be null");
            }
        }

        /**
         * @param source an image part's source
         * @return its patches
         */
        public ImagePatches patches(Prompt.ImageSource source) {
            if (source instanceof Prompt.FileImage f) {
                return patcher.patchify(f.path());
            }
            if (source instanceof Prompt.EncodedImage e) {
                return patcher.patchify(e.bytes());
            }
            if (source instanceof Prompt.DecodedImage d) {
                return patcher.patchify(d.image());
            }
            return patcher.patchifyDataUrl(((Prompt.DataUrlImage) source).url());
        }
    }
}
