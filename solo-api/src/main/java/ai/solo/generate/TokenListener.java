package ai.solo.generate;

/**
 * Receives generated tokens as they come, for streaming. Called on the generating thread, in
 * order; return {@code false} to cancel generation (the result then finishes with
 * {@link FinishReason#CANCELLED}).
 */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param token the token just generated and the text it completes
     * @return true to go on, false to cancel
     */
    boolean onToken(GeneratedToken token);

    /**
     * One step of generation.
     *
     * @param id the token id
     * @param text new text this token completes: empty while a multi-byte character is still
     *     incomplete or while the text might be the start of a stop string, possibly several
     *     tokens' worth when held-back text is released
     * @param logprob its log-probability, or {@code NaN} unless requested
     * @param index 0 for the first generated token
     */
    record GeneratedToken(int id, String text, float logprob, int index) {
    }
}
