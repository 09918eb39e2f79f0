package ai.solo.generate;

/**
 * What {@link Generator} produced for one prompt.
 *
 * @param text the generated text, without the prompt and without a matched stop string
 * @param tokenIds the generated token ids (a stop token or end-of-sequence token included);
 *     shared, treat as read-only
 * @param promptTokenIds the full prompt as fed to the model, image layout included
 * @param finishReason why generation stopped
 * @param logprobs each generated token's log-probability under the model (after suppression),
 *     or null unless {@link GenerationConfig#returnLogprobs()}
 * @param timings where the time went
 */
public record GenerationResult(String text, int[] tokenIds, int[] promptTokenIds, FinishReason finishReason,
        float[] logprobs, Timings timings) {

    /** @return number of prompt tokens */
    public int promptTokens() {
        return promptTokenIds.length;
    }

    /** @return number of generated tokens */
    public int generatedTokens() {
        return tokenIds.length;
    }

    /**
     * Time spent, in nanoseconds.
     *
     * @param preprocessNanos rendering the prompt: decoding and patching images, tokenizing text
     * @param timeToFirstTokenNanos from the call to the first generated token (preprocessing and prefill included)
     * @param decodeNanos generating the tokens after the first
     * @param totalNanos the whole call
     */
    public record Timings(long preprocessNanos, long timeToFirstTokenNanos, long decodeNanos, long totalNanos) {

        /**
         * @param generatedTokens tokens generated in the call
         * @return decode speed after the first token, tokens per second (0 when only one token)
         */
        public double decodeTokensPerSecond(int generatedTokens) {
            return generatedTokens <= 1 || decodeNanos == 0 ? 0 : (generatedTokens - 1) * 1e9 / decodeNanos;
        }
    }
}
