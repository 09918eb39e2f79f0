package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Map;

/**
 * Finds NaN and infinity in weights, cheaply: one vectorised sum per tensor, which is non-finite
 * whenever a value is. The exact {@code isNaN}/{@code isInfinite} tests, about twenty times as
 * costly, run only when the sum is not finite, because a float16 sum can also overflow on finite
 * values.
 */
public final class FiniteValues {
    private FiniteValues() {
    }

    /**
     * @param array any floating-point array; left unchanged, temporaries closed
     * @return null if every value is finite, otherwise {@code "NaN"} or {@code "infinite"}
     */
    public static String problem(NDArray array) {
        try (NDArray sum = array.sum(); NDArray sum32 = sum.getDataType() == DataType.FLOAT32 ? null
                : sum.toType(DataType.FLOAT32, false)) {
            if (Float.isFinite((sum32 == null ? sum : sum32).getFloat())) {
                return null;
            }
        }
        try (NDArray nan = array.isNaN(); NDArray anyNan = nan.any()) {
            if (anyNan.getBoolean()) {
                return "NaN";
            }
        }
        try (NDArray inf = array.isInfinite(); NDArray anyInf = inf.any()) {
            return anyInf.getBoolean() ? "infinite" : null;
        }
    }

    /**
     * @param tensors named arrays
     * @return the first name whose array holds a NaN or infinity, with the problem
     *     ({@code "lm_head.weight (NaN)"}), or null if all are finite
     */
    public static String firstProblem(Map<String, NDArray> tensors) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String problem = problem(e.getValue());
            if (problem != null) {
                return e.getKey() + " (" + problem + ")";
            }
        }
        return null;
    }
}
