package ai.solo.eval;

/**
 * A held-out loss: the mean next-token negative log-likelihood (natural log) per target token.
 *
 * @param loss mean loss per target token; NaN when no sample had a target token
 * @param targetTokens target tokens scored
 * @param rows packed rows scored
 * @param skipped samples left out (an unreadable image, images longer than a packed row)
 */
public record LossResult(double loss, long targetTokens, int rows, int skipped) {

    /** @return {@code exp(loss)}, the perplexity per target token */
    public double perplexity() {
        return Math.exp(loss);
    }
}
