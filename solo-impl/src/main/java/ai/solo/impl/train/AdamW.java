package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.solo.impl.engine.Engines;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter, as {@code torch.optim.AdamW}):
 * {@code p -= lr * wd * p}, then the bias-corrected Adam step. Moments live in this optimizer's
 * manager so they can be checkpointed and restored exactly; updates are in place, so the
 * model's layers keep their arrays.
 */
final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long stepCount;

    /**
     * @param manager owner of the moment arrays, closed with the optimizer
     */
    AdamW(NDManager manager) {
        this.manager = manager;
    }

    /**
     * One update of every parameter, with autograd recording off.
     *
     * @param params trainable parameters by name
     * @param gradients their gradients by name
     * @param decayed names of parameters that take weight decay
     * @param lr learning rate
     * @param weightDecay decoupled weight decay
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param epsilon denominator term
     * @param gradScale factor applied to every gradient first (gradient clipping)
     */
    void step(Map<String, NDArray> params, Map<String, NDArray> gradients, java.util.Set<String> decayed, double lr, double weightDecay, double beta1,
            double beta2, double epsilon, double gradScale) {
        stepCount++;
        double bias1 = 1 - Math.pow(beta1, stepCount);
        double bias2 = 1 - Math.pow(beta2, stepCount);
        Engines.withoutGradient(() -> {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                // one scope per parameter: temporaries never pile up across all parameters
                try (ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray p = e.getValue();
                    NDArray g = gradients.get(e.getKey());
                    NDArray m = firstMoments.computeIfAbsent(e.getKey(), k -> zerosLike(p));
                    NDArray v = secondMoments.computeIfAbsent(e.getKey(), k -> zerosLike(p));
                    if (weightDecay > 0 && decayed.contains(e.getKey())) {
                        p.muli((float) (1 - lr * weightDecay));
                    }
                    // Each temporary the size of a parameter is fresh memory the kernel must fault
                    // in, so the clipping scale s is folded in and the moments update in place:
                    // m = b1 m + (1 - b1) s g  as  ((b1 / ((1 - b1) s)) m + g) (1 - b1) s
                    // v = b2 v + (1 - b2) s^2 g^2  likewise with g^2, the one temporary there.
                    double mScale = (1 - beta1) * gradScale;
                    double vScale = (1 - beta2) * gradScale * gradScale;
                    if (foldable(beta1 / mScale) && foldable(beta2 / vScale)) {
                        m.muli((float) (beta1 / mScale)).addi(g).muli((float) mScale);
                        try (NDArray squared = g.square()) {
                            v.muli((float) (beta2 / vScale)).addi(squared).muli((float) vScale);
                        }
                    } else { // a vanishing clip scale: the plain form, with its temporaries
                        try (NDArray scaled = g.mul((float) gradScale); NDArray squared = scaled.square()) {
                            m.muli((float) beta1).addi(scaled.muli((float) (1 - beta1)));
                            v.muli((float) beta2).addi(squared.muli((float) (1 - beta2)));
                        }
                    }
                    // sqrt(v / bias2) + eps  =  (sqrt(v) + eps sqrt(bias2)) / sqrt(bias2), as torch.optim.AdamW
                    try (NDArray denominator = v.sqrt().addi((float) (epsilon * Math.sqrt(bias2)));
                            NDArray step = m.div(denominator)) {
                        p.subi(step.muli((float) (lr * Math.sqrt(bias2) / bias1)));
                    }
                }
            }
        });
    }

    /** @return whether a moment can be pre-divided by this factor without leaving float32's range */
    private static boolean foldable(double factor) {
        return Double.isFinite(factor) && factor < 1e20;
    }

    private NDArray zerosLike(NDArray p) {
        NDArray z = manager.zeros(p.getShape(), DataType.FLOAT32);
        // created during a step's NDScope, but must outlive it
        ai.djl.ndarray.NDScope.unregister(z);
        return z;
    }

    /** @return updates taken so far (the bias-correction step count) */
    long stepCount() {
        return stepCount;
    }

    /** @return first moments by parameter name (live arrays) */
    Map<String, NDArray> firstMoments() {
        return firstMoments;
    }

    /** @return second moments by parameter name (live arrays) */
    Map<String, NDArray> secondMoments() {
        return secondMoments;
    }

    /**
     * Restores a checkpointed state.
     *
     * @param steps the step count
     * @param first first moments by name
     * @param second second moments by name
     */
    void restore(long steps, Map<String, NDArray> first, Map<String, NDArray> second) {
        stepCount = steps;
        firstMoments.clear();
        secondMoments.clear();
        first.forEach((k, a) -> firstMoments.put(k, attach(a)));
        second.forEach((k, a) -> secondMoments.put(k, attach(a)));
    }

    private NDArray attach(NDArray a) {
        a.attach(manager);
        ai.djl.ndarray.NDScope.unregister(a);
        return a;
    }

    /** @return the manager owning the moments */
    NDManager manager() {
        return manager;
    }

    /** Frees the moments; safe to call twice. */
    @Override
    public void close() {
        manager.close();
    }
}
