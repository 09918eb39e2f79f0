package ai.solo.impl.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.solo.impl.engine.Autograd;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.ModelWeights;
import ai.solo.impl.model.SoloTransformer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights one device computes gradients with: the model's own (one device, its precision)
 * or a copy on another device or in float16, refreshed from the model's weights after every
 * update. Gradients accumulate on this replica's trainable parameters.
 */
final class Replica implements AutoCloseable {
    private final ModelWeights weights;
    private final SoloTransformer transformer;
    private final boolean copy;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();

    private Replica(ModelWeights weights, SoloTransformer transformer, boolean copy) {
        this.weights = weights;
        this.transformer = transformer;
        this.copy = copy;
    }

    /**
     * @param model the model being trained
     * @return a replica that is the model itself
     */
    static Replica of(DjlSoloModel model) {
        return new Replica(model.weights(), model.transformer(), false);
    }

    /**
     * @param model the model being trained (the master weights)
     * @param device where the copy lives
     * @param type element type of the copy's weights and activations
     * @return a copy of the model's weights on {@code device} in {@code type}
     */
    static Replica copy(DjlSoloModel model, Device device, DataType type) {
        NDManager manager = NDManager.newBaseManager(device, Engines.PYTORCH);
        try {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            Engines.withoutGradient(() -> model.weights().all().forEach((name, master) -> {
                NDArray c = manager.zeros(master.getShape(), type);
                tensors.put(name, c);
            }));
            ModelWeights weights = new ModelWeights(manager, tensors, model.config());
            Replica replica = new Replica(weights, new SoloTransformer(model.config(), weights,
                    model.options().attentionBlock()), true);
            replica.pull(model.weights());
            return replica;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** @return whether this replica holds its own weights, refreshed from the master after each update */
    boolean isCopy() {
        return copy;
    }

    /** @return the device this replica computes on */
    Device device() {
        return weights.manager().getDevice();
    }

    /**
     * Marks parameters trainable and gives each a zero gradient up front: a batch without images
     * never reaches the patch embedding, and an undefined gradient can be neither read nor zeroed.
     *
     * @param names the trainable parameters
     */
    void train(Set<String> names) {
        trainable.clear();
        weights.all().forEach((name, p) -> {
            boolean on = names.contains(name);
            p.setRequiresGradient(on);
            if (on) {
                trainable.put(name, p);
            }
        });
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray touch = Autograd.recording(() -> {
                NDArray sum = null;
                for (NDArray p : trainable.values()) {
                    NDArray zero = Autograd.mul(p.sum(), 0f);
                    sum = sum == null ? zero : sum.add(zero);
                }
                return sum;
            });
            Autograd.backward(touch);
        }
    }

    /** Turns gradients off on every parameter. */
    void release() {
        for (NDArray p : weights.all().values()) {
            p.setRequiresGradient(false);
        }
    }

    /**
     * Forward and backward of one micro-batch on this replica.
     *
     * @param batch packed rows
     * @param gradScale factor on the summed loss before backward
     * @param backprop full or checkpointed
     * @return the summed negative log-likelihood of the batch
     */
    double run(PackedBatch batch, float gradScale, Backprop backprop) {
        try (NDScope scope = new NDScope(); NDManager manager = weights.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            return backprop.run(transformer, batch, gradScale, manager);
        }
    }

    /** @return trainable parameters by name (live arrays, each with a gradient) */
    Map<String, NDArray> trainable() {
        return trainable;
    }

    /** @return trainable parameters (live arrays, each with a gradient) */
    Collection<NDArray> parameters() {
        return trainable.values();
    }

    /**
     * Copies the master weights into this replica (converting device and type).
     *
     * @param master the model's weights
     */
    void pull(ModelWeights master) {
        Engines.withoutGradient(() -> {
            for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray src = master.get(e.getKey());
                    NDArray moved = src.toDevice(device(), false).toType(e.getValue().getDataType(), false);
                    e.getValue().set(new NDIndex(":"), moved);
                }
            }
        });
    }

    /** Frees a copy's weights; the model's own are left alone. */
    @Override
    public void close() {
        release();
        if (copy) {
            weights.close();
        }
    }
}
