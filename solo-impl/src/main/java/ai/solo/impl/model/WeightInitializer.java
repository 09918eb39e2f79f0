package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.SoloConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
        float std = (float) config.initializerRange();
        for (Map.Entry<String, long[]> e : TensorNames.expectedShapes(config).entrySet()) {
            Shape shape = new Shape(e.getValue());
            NDArray array;
            if (TensorNames.isNorm(e.getKey())) {
                array = manager.ones(shape, type);
            } else {
                array = normal(manager, shape, std, new SplittableRandom(mix(seed, e.getKey())), type);
            }
            array.setName(e.getKey());
            tensors.put(e.getKey(), array);
        }
        return new ModelWeights(manager, tensors, config);
    }

    private static NDArray normal(NDManager manager, Shape shape, float std, SplittableRandom random, DataType type) {
        int n = Math.toIntExact(shape.size());
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.multiplyExact(n, 4)).order(ByteOrder.nativeOrder());
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            floats.put((float) (random.nextGaussian() * std));
        }
        try (NDArray staged = manager.create(bytes, shape, DataType.FLOAT32)) {
            return Ops.ownedCopy(staged, type);
        }
    }

    private static long mix(long seed, String name) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        return h;
    }
}
