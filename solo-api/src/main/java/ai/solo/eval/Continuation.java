package ai.solo.eval;

/**
 * How likely a model finds a continuation of a prompt: lm-eval's {@code loglikelihood} request.
 *
 * @param logLikelihood {@code sum_t log p(c_t | prompt, c_<t)} over the continuation's tokens,
 *     natural log
 * @param tokens tokens of the continuation
 * @param greedy whether every continuation token is the model's most likely next token
 */
public record Continuation(double logLikelihood, int tokens, boolean greedy) {

    /** @return log-likelihood per token, the length-normalised score */
    public double perToken() {
        return logLikelihood / tokens;
    }
}
