package ai.solo.impl.io;

import ai.solo.TensorType;
import java.util.Optional;

/**
 * Element types a safetensors header may name, spelled as in the file ({@code "F32"},
 * {@code "BF16"}, ...). Only the byte-sized types are listed; sub-byte formats such as
 * {@code F4} or {@code F6_E2M3} are rejected as unknown when a file is opened.
 */
public enum DType {
    /** 64-bit IEEE float. */
    F64(8, null),
    /** 32-bit IEEE float. */
    F32(4, TensorType.F32),
    /** 16-bit IEEE half. */
    F16(2, TensorType.F16),
    /** bfloat16: the upper 16 bits of a float32. */
    BF16(2, TensorType.BF16),
    /** 8-bit float, 4 exponent and 3 mantissa bits. */
    F8_E4M3(1, null),
    /** 8-bit float, 5 exponent and 2 mantissa bits. */
    F8_E5M2(1, null),
    /** 64-bit signed integer. */
    I64(8, TensorType.I64),
    /** 32-bit signed integer. */
    I32(4, TensorType.I32),
    /** 16-bit signed integer. */
    I16(2, null),
    /** 8-bit signed integer. */
    I8(1, null),
    /** 64-bit unsigned integer. */
    U64(8, null),
    /** 32-bit unsigned integer. */
    U32(4, null),
    /** 16-bit unsigned integer. */
    U16(2, null),
    /** 8-bit unsigned integer. */
    U8(1, null),
    /** Boolean stored as one byte, 0 or 1. */
    BOOL(1, null);

    private final int bytes;
    private final TensorType tensorType;

    DType(int bytes, TensorType tensorType) {
        this.bytes = bytes;
        this.tensorType = tensorType;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }

    /**
     * The SDK-level type of this dtype.
     *
     * @return the matching {@link TensorType}, or empty if the SDK has none (e.g. {@code F64})
     */
    public Optional<TensorType> tensorType() {
        return Optional.ofNullable(tensorType);
    }

    /** @return {@code true} for F64, F32, F16 and BF16, the types readable as float32 */
    public boolean isConvertibleToFloat32() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * The dtype that stores a {@link TensorType}.
     *
     * @param type an SDK tensor type
     * @return the safetensors dtype with the same name and size
     */
    public static DType of(TensorType type) {
        return valueOf(type.name());
    }

    /**
     * Looks up a dtype by the string a safetensors header uses.
     *
     * @param name e.g. {@code "BF16"}; case-sensitive as in the format
     * @return the dtype, or empty if {@code name} is not a known byte-sized dtype
     */
    public static Optional<DType> fromName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
