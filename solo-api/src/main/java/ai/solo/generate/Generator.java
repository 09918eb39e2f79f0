package ai.solo.generate;

/**
 * Generates text from a SOLO model for prompts of text and images: caption an image, answer a
 * question about it, continue a conversation. Implemented in the generation issue; the
 * interface is fixed now so applications and the SPI can depend on it.
 *
 * <p>Implementations are thread-safe: one generator may serve many threads.
 */
public interface Generator {

    /**
     * @param prompt text and image parts, in order
     * @param config decoding options
     * @return the generated text with its token ids and finish reason
     */
    GenerationResult generate(Prompt prompt, GenerationConfig config);
}
