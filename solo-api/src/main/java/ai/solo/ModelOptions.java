package ai.solo;

/**
 * Where and in what precision a model lives: the device ({@code "cpu"}, {@code "gpu"},
 * {@code "gpu:1"}) and the {@link Precision} of its weights and activations, and how many
 * queries attention scores at once.
 *
 * <p>Attention runs in blocks of {@code attentionBlock} queries, each against only the keys
 * it can see (from the start of the earliest example the block touches, or the sliding
 * window's edge, to the block's last query). A packed sequence of T tokens therefore never
 * builds a T x T score matrix: memory grows linearly with T for a fixed example length.
 * Sequences no longer than one block take a single block, exactly as before.
 *
 * @param device engine device name; {@code "cpu"} always exists, GPUs need a CUDA native
 *     artifact on the class path
 * @param precision compute precision of weights and activations
 * @param attentionBlock queries per attention block, at least 16 (default {@value #DEFAULT_ATTENTION_BLOCK})
 */
public record ModelOptions(String device, Precision precision, int attentionBlock) {
    /** Queries per attention block unless set: small enough that a block's scores stay in cache-sized pieces. */
    public static final int DEFAULT_ATTENTION_BLOCK = 512;

    /**
     * Validates the fields.
     *
     * @param device engine device name; {@code "cpu"} always exists, GPUs need a CUDA native artifact on the class path
     * @param precision compute precision of weights and activations
     * @param attentionBlock queries per attention block, at least 16
     */
    public ModelOptions {
        if (attentionBlock < 16) {
            throw new InvalidInputException("attentionBlock must be at least 16 queries, got " + attentionBlock);
        }
        if (device == null || !device.matches("cpu|gpu(:\\d{1,4})?")) {
            throw new InvalidInputException("device must be \"cpu\", \"gpu\" or \"gpu:N\", got " + device);
        }
        if (precision == null) {
            throw new InvalidInputException("precision must not be null");
        }
    }

    /**
     * Options with the default attention block.
     *
     * @param device engine device name
     * @param precision compute precision of weights and activations
     */
    public ModelOptions(String device, Precision precision) {
        this(device, precision, DEFAULT_ATTENTION_BLOCK);
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
        return new ModelOptions(device, newPrecision, attentionBlock);
    }

    /**
     * @param newDevice the device to use
     * @return these options on another device
     */
    public ModelOptions withDevice(String newDevice) {
        return new ModelOptions(newDevice, precision, attentionBlock);
    }

    /**
     * @param queries queries per attention block, at least 16
     * @return these options with another attention block
     */
    public ModelOptions withAttentionBlock(int queries) {
        return new ModelOptions(device, precision, queries);
    }
}
