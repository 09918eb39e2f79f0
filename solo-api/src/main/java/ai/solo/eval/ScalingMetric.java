package ai.solo.eval;

/** Which metric of a training run a scaling analysis fits. */
public enum ScalingMetric {
    /** The held-out loss of each evaluation ({@code eval} events). */
    EVAL,
    /** The training loss of each step, averaged over windows of consecutive steps ({@code step} events). */
    TRAIN
}
