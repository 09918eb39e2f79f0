package ai.solo;

/**
 * How {@link SoloModel#save(java.nio.file.Path, SaveOptions)} writes a checkpoint.
 *
 * @param weightType element type of the saved weights ({@link TensorType#F32}, {@code F16} or {@code BF16})
 * @param maxShardBytes largest weight file; above it the weights are split into
 *     {@code model-0000i-of-0000n.safetensors} files listed by {@code model.safetensors.index.json},
 *     as Hugging Face does. {@code Long.MAX_VALUE} writes one {@code model.safetensors}.
 */
public record SaveOptions(TensorType weightType, long maxShardBytes) {

    /**
     * Validates the fields.
     *
     * @param weightType element type of the saved weights ({@link TensorType#F32}, {@code F16} or {@code BF16})
     * @param maxShardBytes largest weight file; above it the weights are split into {@code model-0000i-of-0000n.safetensors} files listed by {@code model.safetensors.index.json}, as Hugging Face does. {@code Long.MAX_VALUE} writes one {@code model.safetensors}.
     */
    public SaveOptions {
        if (weightType != TensorType.F32 && weightType != TensorType.F16 && weightType != TensorType.BF16) {
            throw new InvalidInputException("weightType must be F32, F16 or BF16, got " + weightType);
        }
        if (maxShardBytes < 1) {
            throw new InvalidInputException("maxShardBytes must be positive, got " + maxShardBytes);
        }
    }

    /** @return float32 weights in a single file */
    public static SaveOptions defaults() {
        return new SaveOptions(TensorType.F32, Long.MAX_VALUE);
    }

    /**
     * @param bytes the largest shard, e.g. {@code 5L << 30} for Hugging Face's 5 GB
     * @return these options with sharding
     */
    public SaveOptions withMaxShardBytes(long bytes) {
        return new SaveOptions(weightType, bytes);
    }

    /**
     * @param type element type of saved weights
     * @return these options with another weight type
     */
    public SaveOptions withWeightType(TensorType type) {
        return new SaveOptions(type, maxShardBytes);
    }
}
