package ai.solo;

/** Element type of a tensor stored in a safetensors file. */
public enum TensorType {
    /** 32-bit IEEE float ({@code F32}). */
    F32(4),
    /** 16-bit IEEE half ({@code F16}). */
    F16(2),
    /** bfloat16 ({@code BF16}): converted to float32 on load, rounded to nearest-even on save. */
    BF16(2),
    /** 64-bit signed integer ({@code I64}). */
    I64(8),
    /** 32-bit signed integer ({@code I32}). */
    I32(4);

    private final int bytes;

    TensorType(int bytes) {
        this.bytes = bytes;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }
}
