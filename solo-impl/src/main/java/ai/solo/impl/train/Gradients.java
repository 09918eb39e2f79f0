package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.solo.impl.engine.Engines;
import java.util.Collection;

/** Operations on the gradients PyTorch accumulates on trainable parameters. */
final class Gradients {
    private Gradients() {
    }

    /**
     * @param gradients gradients
     * @return their global L2 norm (NaN or infinite if any gradient holds NaN or infinity)
     */
    static double globalNorm(Collection<NDArray> gradients) {
        double sum = 0;
        for (NDArray g : gradients) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                sum += g.toType(DataType.FLOAT32, false).square().sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * @param gradients gradients by parameter name
     * @return the name of the first parameter whose gradient holds NaN or infinity, or "none"
     */
    static String firstNonFinite(java.util.Map<String, NDArray> gradients) {
        for (java.util.Map.Entry<String, NDArray> e : gradients.entrySet()) {
            if (!Double.isFinite(globalNorm(java.util.List.of(e.getValue())))) {
                return e.getKey();
            }
        }
        return "none";
    }

    /**
     * Sets every gradient to zero by filling it, not by subtracting it from itself: {@code inf - inf}
     * is NaN, so a single non-finite step would otherwise poison every later one.
     *
     * @param params trainable parameters, each with a gradient
     */
    static void zero(Collection<NDArray> params) {
        Engines.withoutGradient(() -> {
            for (NDArray p : params) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    p.getGradient().set(new NDIndex(":"), 0);
                }
            }
        });
    }
}
