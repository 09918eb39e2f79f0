package ai.solo.impl.train;

import ai.solo.train.Stage;

/**
 * Linear warm-up to the peak, then cosine decay to the minimum at the stage's last step, as
 * transformers' {@code get_cosine_schedule_with_warmup} with a floor. Warm-up counts from the
 * first step ({@code (s + 1) / warmup}), so no step runs at learning rate 0.
 */
final class LearningRateSchedule {
    private LearningRateSchedule() {
    }

    /**
     * @param stage the stage's schedule settings
     * @param step 0-based optimizer step within the stage
     * @param totalSteps the stage's length in steps
     * @return the learning rate of that step
     */
    static double at(Stage stage, long step, long totalSteps) {
        double peak = stage.learningRate();
        double min = stage.minLearningRate();
        int warmup = stage.warmupSteps();
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        long decaySteps = Math.max(1, totalSteps - warmup - 1);
        double progress = Math.min(1.0, (double) (step - warmup) / decaySteps);
        return min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
