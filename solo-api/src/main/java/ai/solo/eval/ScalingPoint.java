package ai.solo.eval;

import ai.solo.InvalidInputException;

/**
 * One (training tokens, metric) point of a scaling analysis, e.g. the held-out loss after
 * {@code tokens} training tokens.
 *
 * @param tokens training tokens D seen before the metric was measured
 * @param value the metric L, e.g. a loss
 * @param stage the stage it was measured in, or empty
 * @param step the optimizer step it was measured after (the last step of a smoothing window), or 0
 */
public record ScalingPoint(double tokens, double value, String stage, long step) {

    /**
     * Validates the fields.
     *
     * @param tokens training tokens, finite
     * @param value the metric, finite
     * @param stage the stage, or null for none
     * @param step the step
     */
    public ScalingPoint {
        if (!Double.isFinite(tokens) || !Double.isFinite(value)) {
            throw new InvalidInputException("a scaling point needs finite tokens and value, got (" + tokens + ", "
                    + value + ")");
        }
        stage = stage == null ? "" : stage;
    }

    /**
     * @param tokens training tokens D
     * @param value the metric L
     * @return a point without stage or step
     */
    public static ScalingPoint of(double tokens, double value) {
        return new ScalingPoint(tokens, value, "", 0);
    }
}
