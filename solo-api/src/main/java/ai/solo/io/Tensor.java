package ai.solo.io;

import ai.solo.InvalidInputException;
import ai.solo.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A small tensor held on the Java heap: element type, shape and little-endian bytes, as stored
 * in a safetensors file. Meant for inputs and outputs (token ids, patches, logits), not for
 * model weights, which stay in native memory.
 *
 * @param type element type
 * @param shape dimensions, row-major
 * @param data {@code product(shape) * type.bytes()} little-endian bytes; shared, treat as read-only
 */
public record Tensor(TensorType type, long[] shape, byte[] data) {

    /**
     * Checks that the byte count matches type and shape.
     *
     * @param type element type
     * @param shape dimensions, row-major
     * @param data {@code product(shape) * type.bytes()} little-endian bytes; shared, treat as read-only
     */
    public Tensor {
        if (type == null || shape == null || data == null) {
            throw new InvalidInputException("tensor type, shape and data must not be null");
        }
        long elements = elementCount(shape);
        if (elements * type.bytes() != data.length) {
            throw new InvalidInputException("tensor of shape " + Arrays.toString(shape) + " and type " + type
                    + " needs " + elements * type.bytes() + " bytes, got " + data.length);
        }
        shape = shape.clone();
    }

    /**
     * @param values float values
     * @param shape dimensions whose product is {@code values.length}
     * @return an F32 tensor
     */
    public static Tensor ofFloats(float[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(TensorType.F32, shape, b.array());
    }

    /**
     * @param values integer values, stored as I64 as PyTorch stores token ids
     * @param shape dimensions whose product is {@code values.length}
     * @return an I64 tensor
     */
    public static Tensor ofLongs(long[] values, long... shape) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(TensorType.I64, shape, b.array());
    }

    /**
     * @param values integer values, stored as I64
     * @param shape dimensions whose product is {@code values.length}
     * @return an I64 tensor
     */
    public static Tensor ofInts(int[] values, long... shape) {
        return ofLongs(Arrays.stream(values).asLongStream().toArray(), shape);
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return number of elements */
    public long elementCount() {
        return elementCount(shape);
    }

    /**
     * @return the values as floats (F32 as is; F16 and BF16 widened)
     * @throws InvalidInputException for integer tensors
     */
    public float[] toFloats() {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) elementCount()];
        switch (type) {
            case F32 -> b.asFloatBuffer().get(out);
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
            }
            default -> throw new InvalidInputException("tensor of type " + type + " is not floating point");
        }
        return out;
    }

    /**
     * @return the values as ints (I64 and I32 narrowed with an overflow check)
     * @throws InvalidInputException for floating-point tensors or values outside int range
     */
    public int[] toInts() {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[(int) elementCount()];
        for (int i = 0; i < out.length; i++) {
            long v = switch (type) {
                case I64 -> b.getLong(8 * i);
                case I32 -> b.getInt(4 * i);
                default -> throw new InvalidInputException("tensor of type " + type + " is not an integer tensor");
            };
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new InvalidInputException("tensor value " + v + " at " + i + " does not fit an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && type == t.type && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor{" + type + " " + Arrays.toString(shape) + "}";
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInputException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE / 8) {
            throw new InvalidInputException("tensor of shape " + Arrays.toString(shape) + " is too large for the Java heap");
        }
        return n;
    }

    private static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exp == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mantissa << 13));
    }
}
