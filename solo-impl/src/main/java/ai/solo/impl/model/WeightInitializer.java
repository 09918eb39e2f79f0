package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.SoloConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fresh random weights as transformers initialises Mistral: every linear and embedding weight
 * normal with std {@code initializer_range}, RMSNorm weights one.
 *
 * <p>Numbers come from a Java generator seeded per tensor (seed mixed with the tensor name), so
 * the same seed gives the same weights on every device and engine, whatever the order of
 * creation.
 */
public final class WeightInitializer {
    private WeightInitializer() {
    }

    /**
     * @param config the model shape
     * @param seed the seed
     * @param manager owner of the new arrays
     * @param type element type of the weights
     * @return the weights
     */
    public static ModelWeights random(SoloConfig config, long seed, NDManager manager, DataType type) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        double std = config.initializerRange();
        ChunkedFill filler = new ChunkedFill();
        for (Map.Entry<String, long[]> e : TensorNames.expectedShapes(config).entrySet()) {
            Shape shape = new Shape(e.getValue());
            NDArray array;
            if (TensorNames.isNorm(e.getKey())) {
                array = manager.ones(shape, type);
            } else {
                SplittableRandom random = new SplittableRandom(mix(seed, e.getKey()));
                // chunks are filled in element order, so the values do not depend on the chunk size
                array = filler.fill(manager, shape, type, (first, dst) -> {
                    while (dst.hasRemaining()) {
                        dst.putFloat((float) (random.nextGaussian() * std));
                    }
                });
            }
            array.setName(e.getKey());
            tensors.put(e.getKey(), array);
        }
        return new ModelWeights(manager, tensors, config);
    }

    private static long mix(long seed, String name) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        return h;
    }
}
