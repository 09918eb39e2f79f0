package ai.solo;

import ai.solo.spi.SoloProviders;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A SOLO model: one decoder-only transformer whose input embedding adds a linear projection of
 * raw image patches to the {@code <vpatch>} token embeddings (SPEC §1).
 *
 * <pre>{@code
 * try (SoloModel model = SoloModel.load(Path.of("SOLO-7B"))) {
 *     SoloTokenizer tok = model.tokenizer().orElseThrow();
 *     ImagePatches image = ImagePatcher.create().patchify(Path.of("cat.jpg"));
 *     TokenSequence seq = SequenceBuilder.create(tok, ImageClose.VISION)
 *             .image(image).bos().text("[INST] What is this? [/INST]", false).build();
 *     Logits logits = model.logits(seq);
 *     int next = logits.argmax(0, seq.length() - 1);
 * }
 * }</pre>
 *
 * <p>Lifecycle: a model owns native memory for its weights until {@link #close()}; calls after
 * close throw {@link IllegalStateException}, and {@code close()} waits for calls in flight.
 * Thread safety: {@link #logits} and {@link #save} may be called from several threads at once.
 */
public interface SoloModel extends AutoCloseable {

    /**
     * Loads a Hugging Face style checkpoint folder on the CPU in float32.
     *
     * @param dir folder with {@code config.json}, {@code model.safetensors} (or shards listed by
     *     {@code model.safetensors.index.json}) and optionally {@code tokenizer.json}
     * @return the model
     * @throws CheckpointException naming the file and tensor when the checkpoint is unusable
     */
    static SoloModel load(Path dir) {
        return load(dir, ModelOptions.defaults());
    }

    /**
     * @param dir checkpoint folder
     * @param options device and precision
     * @return the model
     */
    static SoloModel load(Path dir, ModelOptions options) {
        return SoloProviders.get().load(dir, options);
    }

    /**
     * A new model with random weights (normal with {@code initializer_range} std, norms at 1).
     *
     * @param config the model shape
     * @param seed same seed, same weights
     * @return the model, on the CPU in float32
     */
    static SoloModel create(SoloConfig config, long seed) {
        return create(config, seed, ModelOptions.defaults());
    }

    /**
     * @param config the model shape
     * @param seed same seed, same weights
     * @param options device and precision
     * @return the model
     */
    static SoloModel create(SoloConfig config, long seed, ModelOptions options) {
        return SoloProviders.get().create(config, seed, options);
    }

    /** @return the model's configuration */
    SoloConfig config();

    /** @return device and precision */
    ModelOptions options();

    /** @return the tokenizer found in the checkpoint folder, or one set with {@link #attachTokenizer} */
    Optional<SoloTokenizer> tokenizer();

    /**
     * Sets the tokenizer this model uses and {@link #save} writes next to the weights.
     *
     * <p>Ownership: a tokenizer the model loaded from its folder is closed with the model (or when
     * replaced here); a tokenizer attached by the caller stays the caller's to close.
     *
     * @param tokenizer a tokenizer whose ids all fall inside this model's vocabulary
     * @throws InvalidInputException if the tokenizer has more ids than the model's vocabulary
     */
    void attachTokenizer(SoloTokenizer tokenizer);

    /**
     * Runs the forward pass.
     *
     * @param batch token ids, patches, mask and positions
     * @return logits {@code [B, T, V]} in float32
     * @throws InvalidInputException if a token id is outside the vocabulary, the patch size
     *     differs from the model's, or the batch is longer than {@code max_position_embeddings}
     *     or its logits would not fit one Java array
     */
    Logits logits(ModelBatch batch);

    /**
     * @param sequence one sequence
     * @return logits {@code [1, T, V]}
     */
    default Logits logits(TokenSequence sequence) {
        return logits(ModelBatch.of(sequence));
    }

    /**
     * Writes {@code config.json}, float32 {@code model.safetensors} and, if attached, the
     * tokenizer to a folder, in the layout {@link #load} and Hugging Face tooling read.
     *
     * @param dir destination folder, created if needed
     */
    default void save(Path dir) {
        save(dir, SaveOptions.defaults());
    }

    /**
     * @param dir destination folder, created if needed
     * @param options weight type and sharding
     */
    void save(Path dir, SaveOptions options);

    /** @return number of parameters */
    default long parameterCount() {
        return config().parameterCount();
    }

    /** Releases the weights' native memory; safe to call twice. */
    @Override
    void close();
}
