package ai.solo.train;

import java.nio.file.Path;

/**
 * What a training run did.
 *
 * @param steps optimizer steps taken in this run (not counting steps restored by a resume)
 * @param tokens training tokens processed in this run
 * @param finalLoss loss of the last step
 * @param finalHeldOutLoss last held-out loss, NaN if never evaluated
 * @param checkpoint the final checkpoint folder (Hugging Face layout, loadable by {@link ai.solo.SoloModel#load})
 */
public record TrainingSummary(long steps, long tokens, double finalLoss, double finalHeldOutLoss, Path checkpoint) {
}
