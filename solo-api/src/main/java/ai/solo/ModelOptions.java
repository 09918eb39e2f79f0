package ai.solo;

/**
 * Where and in what precision a model lives: the device ({@code "cpu"}, {@code "gpu"},
 * {@code "gpu:1"}) and the {@link Precision} of its weights and activations.
 *
 * @param device engine device name; {@code "cpu"} always exists, GPUs need a CUDA native
 *     artifact on the class path
 * @param precision compute precision of weights and activations
 */
public record ModelOptions(String device, Precision precision) {

    /**
     * Validates the fields.
     *
     * @param device engine device name; {@code "cpu"} always exists, GPUs need a CUDA native artifact on the class path
     * @param precision compute precision of weights and activations
     */
    public ModelOptions {
        if (device == null || !device.matches("cpu|gpu(:\\d{1,4})?")) {
            throw new InvalidInputException("device must be \"cpu\", \"gpu\" or \"gpu:N\", got " + device);
        }
        if (precision == null) {
            throw new InvalidInputException("precision must not be null");
        }
    }

    /** @return float32 on the CPU */
    public static ModelOptions defaults() {
        return new ModelOptions("cpu", Precision.FLOAT32);
    }

    /**
     * @param newPrecision the precision to use
     * @return these options with another precision
     */
    public ModelOptions withPrecision(Precision newPrecision) {
        return new ModelOptions(device, newPrecision);
    }

    /**
     * @param newDevice the device to use
     * @return these options on another device
     */
    public ModelOptions withDevice(String newDevice) {
        return new ModelOptions(newDevice, precision);
    }
}
