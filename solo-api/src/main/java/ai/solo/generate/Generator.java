package ai.solo.generate;

import ai.solo.SoloModel;
import ai.solo.image.ImagePatcher;
import ai.solo.spi.SoloProviders;
import ai.solo.text.ImageClose;
import ai.solo.text.TokenSequence;
import java.util.List;
import java.util.stream.Stream;

/**
 * Generates text from a SOLO model: caption an image, answer a question about it, continue a
 * conversation. Prefills the whole prompt, then decodes token by token with a key/value cache.
 *
 * <pre>{@code
 * Generator generator = Generator.create(model);           // model with a tokenizer
 * GenerationResult r = generator.generate(
 *         Prompt.builder().image(Path.of("cat.jpg")).text("What is this?").build(),
 *         GenerationConfig.greedy());
 * System.out.println(r.text());
 * }</pre>
 *
 * <p>Threading: a generator is immutable and thread-safe. Every call has its own key/value cache
 * and native scope, and the model's weights are only read, so one generator (and one model) may
 * serve many threads at once; {@link SoloModel#close()} waits for calls in flight.
 */
public interface Generator {

    /**
     * A generator with SOLO-7B's chat format, image closing token and image preprocessing.
     *
     * @param model the model; prompts with text need its tokenizer
     * @return the generator
     */
    static Generator create(SoloModel model) {
        return builder(model).build();
    }

    /**
     * @param model the model
     * @return a builder to choose the chat template, image patcher or closing token
     */
    static Builder builder(SoloModel model) {
        return new Builder(model);
    }

    /**
     * Answers one user message, rendered with the chat template.
     *
     * @param prompt text and images
     * @param config decoding options
     * @return the answer
     */
    default GenerationResult generate(Prompt prompt, GenerationConfig config) {
        return generate(Conversation.of(prompt), config, null);
    }

    /**
     * Continues a conversation: the next assistant turn.
     *
     * @param conversation turns ending with a user turn
     * @param config decoding options
     * @return the answer
     */
    default GenerationResult generate(Conversation conversation, GenerationConfig config) {
        return generate(conversation, config, null);
    }

    /**
     * Continues a conversation, streaming tokens to a listener.
     *
     * @param conversation turns ending with a user turn
     * @param config decoding options
     * @param listener receives tokens as they are generated and may cancel; may be null
     * @return the answer
     */
    GenerationResult generate(Conversation conversation, GenerationConfig config, TokenListener listener);

    /**
     * Continues a sequence already laid out (no chat template), e.g. for captioning with a
     * pre-trained model or for exact control over the prompt.
     *
     * @param prompt token ids, patch indices and patches
     * @param config decoding options
     * @param listener receives tokens and may cancel; may be null
     * @return the continuation
     */
    GenerationResult generate(TokenSequence prompt, GenerationConfig config, TokenListener listener);

    /**
     * Answers several prompts in one batched computation (images of different sizes and
     * prompts of different lengths allowed). Each result equals what {@link #generate(Prompt,
     * GenerationConfig)} gives for that prompt alone.
     *
     * @param prompts the prompts
     * @param config decoding options shared by all
     * @return one result per prompt, in order
     */
    List<GenerationResult> generateBatch(List<Conversation> prompts, GenerationConfig config);

    /**
     * Continues several already rendered prompts in one batched computation, as {@link
     * #generateBatch(List, GenerationConfig)} does for conversations: for token ids from your own
     * template, or prompts rendered once and reused. Each result equals what {@link
     * #generate(TokenSequence, GenerationConfig, TokenListener)} gives for that prompt alone.
     *
     * @param prompts the rendered prompts (images included as patches)
     * @param config decoding options shared by all
     * @return one result per prompt, in order
     */
    List<GenerationResult> generateSequences(List<TokenSequence> prompts, GenerationConfig config);

    /**
     * Streams the answer as text pieces, decoded lazily as the stream is consumed on the
     * caller's thread. Reading to the end frees the request's key/value cache; closing the
     * stream cancels generation and frees it too. A short-circuiting operation
     * ({@code findFirst}, {@code limit}) stops reading but keeps the cache until the stream is
     * closed: use try-with-resources.
     *
     * @param conversation turns ending with a user turn
     * @param config decoding options
     * @return the text pieces, never splitting a character
     */
    Stream<String> stream(Conversation conversation, GenerationConfig config);

    /**
     * Validated generator settings.
     *
     * @param model the model
     * @param template the chat format
     * @param patcher image preprocessing
     * @param imageClose token closing each image
     */
    record Settings(SoloModel model, ChatTemplate template, ImagePatcher patcher, ImageClose imageClose) {
    }

    /** Builds a {@link Generator}. Not thread-safe. */
    final class Builder {
        private final SoloModel model;
        private ChatTemplate template = ChatTemplates.solo7B();
        private ImagePatcher patcher;
        private ImageClose imageClose = ImageClose.VISION;

        private Builder(SoloModel model) {
            this.model = model;
        }

        /**
         * @param chatTemplate the chat format (default {@link ChatTemplates#solo7B()})
         * @return this builder
         */
        public Builder chatTemplate(ChatTemplate chatTemplate) {
            template = chatTemplate;
            return this;
        }

        /**
         * @param imagePatcher image preprocessing (default: the model's patch size, max resolution 1024)
         * @return this builder
         */
        public Builder imagePatcher(ImagePatcher imagePatcher) {
            patcher = imagePatcher;
            return this;
        }

        /**
         * @param close the token closing each image (default {@link ImageClose#VISION}, as SOLO-7B)
         * @return this builder
         */
        public Builder imageClose(ImageClose close) {
            imageClose = close;
            return this;
        }

        /**
         * @return the generator
         * @throws ai.solo.InvalidInputException if a setting is missing or does not fit the model
         */
        public Generator build() {
            if (model == null || template == null || imageClose == null) {
                throw new ai.solo.InvalidInputException("model, chatTemplate and imageClose must not be null");
            }
            ImagePatcher p = patcher != null ? patcher
                    : ImagePatcher.builder().patchSize(model.config().visionPatchSize()).build();
            if (p.settings().patchSize() != model.config().visionPatchSize()) {
                throw new ai.solo.InvalidInputException("image patcher cuts " + p.settings().patchSize()
                        + "-pixel patches, the model expects " + model.config().visionPatchSize());
            }
            return SoloProviders.get().generator(new Settings(model, template, p, imageClose));
        }
    }
}
