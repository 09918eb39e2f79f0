package ai.solo.impl.io;

import ai.solo.CheckpointException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives in a safetensors file and what it holds. Immutable.
 *
 * <p>{@code begin} and {@code end} are <b>absolute</b> byte offsets in {@code file}
 * ({@code 8 + headerLength + data_offsets[i]}), so a caller can map or read the bytes without
 * knowing the header size; {@code end - begin == elementCount() * dtype.bytes()}.
 *
 * @param name tensor name as in the header, e.g. {@code model.embed_tokens.weight}
 * @param dtype element type
 * @param shape dimensions, row-major; {@code []} for a scalar (a copy is kept and returned)
 * @param begin absolute file offset of the first byte
 * @param end absolute file offset one past the last byte
 * @param file the safetensors file holding the bytes
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end, Path file) {

    /**
     * Copies {@code shape} so the record stays immutable.
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions, copied
     * @param begin absolute file offset of the first byte
     * @param end absolute file offset one past the last byte, {@code >= begin}
     * @param file the file holding the bytes
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone();
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "': bad range [" + begin + ", " + end + ")");
        }
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return {@code end - begin} */
    public long byteSize() {
        return end - begin;
    }

    /**
     * The number of elements, the product of the dimensions (1 for a scalar).
     *
     * @return the element count
     * @throws CheckpointException if the product overflows a long
     */
    public long elementCount() {
        return elementCount(shape, file, name);
    }

    /**
     * The shape as ints, for APIs that index with int.
     *
     * @return a new int array with the same dimensions
     * @throws CheckpointException naming file and tensor if a dimension exceeds
     *     {@link Integer#MAX_VALUE}
     */
    public int[] intShape() {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw new CheckpointException(file + ": tensor '" + name + "': dimension " + i + " = "
                        + shape[i] + " does not fit in an int");
            }
            out[i] = (int) shape[i];
        }
        return out;
    }

    static long elementCount(long[] shape, Object where, String name) {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new CheckpointException(where + ": tensor '" + name + "': element count of shape "
                        + Arrays.toString(shape) + " overflows a long", e);
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end && file.equals(t.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end, file);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + ", " + dtype + " " + Arrays.toString(shape) + ", bytes [" + begin + ", " + end
                + ") of " + file + "]";
    }
}
