package ai.solo.impl.train;

/**
 * Dynamic loss scaling for float16 gradients, as {@code torch.amp.GradScaler}: the loss is
 * multiplied by the scale before backward so small gradients do not flush to zero; a step
 * whose gradients overflow is skipped and the scale halved; after {@code growthInterval}
 * steps in a row without overflow the scale doubles.
 */
final class LossScaler {
    /** Lower bound of the scale: below it, overflow is not the scale's doing. */
    static final double MIN_SCALE = 1.0 / (1 << 24);

    private final boolean dynamic;
    private final int growthInterval;
    private double scale;
    private int goodSteps;

    private LossScaler(boolean dynamic, double scale, int growthInterval) {
        this.dynamic = dynamic;
        this.scale = scale;
        this.growthInterval = growthInterval;
    }

    /** @return a scaler that always scales by 1 (float32 gradients) */
    static LossScaler none() {
        return new LossScaler(false, 1, Integer.MAX_VALUE);
    }

    /**
     * @param initial first scale, e.g. 65536
     * @param growthInterval overflow-free steps before the scale doubles
     * @return a dynamic scaler
     */
    static LossScaler dynamic(double initial, int growthInterval) {
        return new LossScaler(true, initial, growthInterval);
    }

    /** @return whether this scaler adapts (false: scale 1, overflow is an error) */
    boolean isDynamic() {
        return dynamic;
    }

    /** @return the current scale */
    double scale() {
        return scale;
    }

    /** Records an overflow: the step is skipped and the scale halved. */
    void overflow() {
        if (dynamic) {
            scale = Math.max(MIN_SCALE, scale / 2);
            goodSteps = 0;
        }
    }

    /** Records a step taken: every {@code growthInterval} in a row double the scale. */
    void stepTaken() {
        if (dynamic && ++goodSteps >= growthInterval) {
            scale *= 2;
            goodSteps = 0;
        }
    }

    /**
     * @param restoredScale a checkpointed scale
     * @param restoredGoodSteps checkpointed steps since the last change
     */
    void restore(double restoredScale, int restoredGoodSteps) {
        if (dynamic) {
            scale = restoredScale;
            goodSteps = restoredGoodSteps;
        }
    }

    /** @return overflow-free steps since the scale last changed */
    int goodSteps() {
        return goodSteps;
    }
}
