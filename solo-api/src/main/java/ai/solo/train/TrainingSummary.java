package ai.solo.train;

/**
 * What a training run did.
 *
 * @param steps optimizer steps taken
 * @param tokens training tokens seen
 * @param finalLoss mean loss of the last step
 */
public record TrainingSummary(long steps, long tokens, double finalLoss) {
}
