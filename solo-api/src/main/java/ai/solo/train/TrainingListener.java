package ai.solo.train;

import java.nio.file.Path;

/**
 * Observes a training run: stages, steps, evaluations, checkpoints. Called on the training
 * thread; keep callbacks quick. Every method has an empty default.
 */
public interface TrainingListener {

    /** @param stage the stage starting */
    default void onStageStart(StageStart stage) {
    }

    /** @param step what one optimizer step did */
    default void onStep(StepMetrics step) {
    }

    /** @param evaluation held-out results */
    default void onEvaluation(Evaluation evaluation) {
    }

    /**
     * @param dir the checkpoint just written (complete, renamed into place)
     * @param stage its stage
     * @param step the optimizer step it holds
     */
    default void onCheckpoint(Path dir, String stage, long step) {
    }

    /** @param summary what the whole run did */
    default void onEnd(TrainingSummary summary) {
    }

    /**
     * A stage starting.
     *
     * @param name stage name
     * @param index 0-based position in the recipe
     * @param stageCount stages in the recipe
     * @param steps optimizer steps of the stage
     * @param startStep the step it starts from (above 0 when resuming)
     */
    record StageStart(String name, int index, int stageCount, int steps, long startStep) {
    }

    /**
     * One optimizer step.
     *
     * @param stage stage name
     * @param step 1-based step within the stage
     * @param steps steps in the stage
     * @param loss mean loss per target token of the step
     * @param learningRate learning rate used
     * @param gradNorm global gradient norm before clipping
     * @param tokens tokens processed in the step (padding excluded)
     * @param targetTokens tokens that carried loss
     * @param stepNanos wall time of the step
     * @param skipped whether the update was skipped (non-finite loss under SKIP_STEP, or float16
     *     gradients that overflowed the loss scale under mixed precision)
     */
    record StepMetrics(String stage, long step, long steps, double loss, double learningRate, double gradNorm,
            long tokens, long targetTokens, long stepNanos, boolean skipped) {

        /** @return tokens per second of the step */
        public double tokensPerSecond() {
            return stepNanos == 0 ? 0 : tokens * 1e9 / stepNanos;
        }
    }

    /**
     * A held-out evaluation.
     *
     * @param stage stage name
     * @param step step after which it ran
     * @param loss mean loss per target token over the held-out samples
     * @param targetTokens target tokens evaluated
     */
    record Evaluation(String stage, long step, double loss, long targetTokens) {
    }
}
