package ai.solo.impl.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.solo.EngineException;
import ai.solo.ModelOptions;
import ai.solo.Precision;

/**
 * The one place that touches DJL's engine registry: picks the PyTorch engine, maps SDK device
 * names and precisions to DJL's, and turns engine start-up failures into {@link EngineException}.
 */
public final class Engines {
    /** DJL's name of the PyTorch engine. */
    public static final String PYTORCH = "PyTorch";

    private Engines() {
    }

    /** @return the PyTorch engine, loading its native library on first use */
    public static Engine pytorch() {
        try {
            return Engine.getEngine(PYTORCH);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new EngineException("Cannot start DJL's PyTorch engine (is ai.djl.pytorch:pytorch-native-* "
                    + "for this platform on the class path, or -Dai.djl.offline=true set without one?): "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param options device and precision
     * @return a new root manager on the requested device
     * @throws EngineException if the device does not exist
     */
    public static NDManager newManager(ModelOptions options) {
        Engine engine = pytorch();
        Device device = device(options.device(), engine);
        return NDManager.newBaseManager(device, PYTORCH);
    }

    /**
     * @param name "cpu", "gpu" or "gpu:N"
     * @param engine the engine whose devices are checked
     * @return the DJL device
     */
    public static Device device(String name, Engine engine) {
        if ("cpu".equals(name)) {
            return Device.cpu();
        }
        int id = name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0;
        int gpus = engine.getGpuCount();
        if (id >= gpus) {
            throw new EngineException("device " + name + " is not available: the engine sees " + gpus
                    + " GPU(s). GPUs need a CUDA build of ai.djl.pytorch:pytorch-native-* on the class path");
        }
        return Device.gpu(id);
    }

    /**
     * Runs work with autograd recording off on this thread, e.g. optimizer updates, which modify
     * trainable weights in place (PyTorch refuses that while recording).
     *
     * @param work the work
     */
    public static void withoutGradient(Runnable work) {
        boolean previous = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            work.run();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(previous);
        }
    }

    /**
     * @param precision SDK precision
     * @return the DJL data type
     */
    public static DataType dataType(Precision precision) {
        return precision == Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
    }
}
