package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.solo.CheckpointException;
import ai.solo.SoloConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every parameter of one model, by checkpoint name, owned by one {@link NDManager}.
 *
 * <p>Closing the weights closes the manager and so frees all their native memory.
 */
public final class ModelWeights implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> tensors;
    private final DataType dataType;

    /**
     * @param manager owner of the arrays; closed with these weights
     * @param tensors name to array, in checkpoint order; shapes are checked against the config
     * @param config the model shape the tensors must fit
     * @throws CheckpointException naming a missing tensor or one of the wrong shape
     */
    public ModelWeights(NDManager manager, Map<String, NDArray> tensors, SoloConfig config) {
        this.manager = manager;
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        DataType type = null;
        for (Map.Entry<String, long[]> e : TensorNames.expectedShapes(config).entrySet()) {
            NDArray array = tensors.get(e.getKey());
            if (array == null) {
                throw new CheckpointException("missing tensor " + e.getKey());
            }
            if (!java.util.Arrays.equals(array.getShape().getShape(), e.getValue())) {
                throw new CheckpointException("tensor " + e.getKey() + " has shape " + array.getShape()
                        + ", expected " + java.util.Arrays.toString(e.getValue()));
            }
            type = array.getDataType();
            ordered.put(e.getKey(), array);
        }
        this.tensors = Collections.unmodifiableMap(ordered);
        this.dataType = type;
    }

    /**
     * @param name checkpoint tensor name
     * @return the array
     */
    public NDArray get(String name) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new CheckpointException("model has no tensor " + name);
        }
        return a;
    }

    /** @return every tensor by name, in checkpoint order (read-only view) */
    public Map<String, NDArray> all() {
        return tensors;
    }

    /** @return the element type of the weights */
    public DataType dataType() {
        return dataType;
    }

    /** @return the manager owning the weights */
    public NDManager manager() {
        return manager;
    }

    /** Frees every weight; safe to call twice. */
    @Override
    public void close() {
        manager.close();
    }
}
