package ai.solo.impl.io;

import ai.solo.InvalidInputException;
import ai.solo.TensorType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor to write: its name, dtype, shape and a source of its bytes.
 *
 * @param name tensor name, e.g. {@code model.norm.weight}; not empty, not {@code __metadata__}
 * @param dtype element type written to the header
 * @param shape dimensions, row-major, each {@code >= 0}; a copy is kept and returned
 * @param source writes exactly {@link #byteSize()} bytes
 */
public record TensorEntry(String name, DType dtype, long[] shape, TensorData source) {

    /**
     * Checks the components and copies {@code shape}.
     *
     * @param name tensor name; not empty, not {@code __metadata__}
     * @param dtype element type
     * @param shape dimensions, each {@code >= 0}, copied
     * @param source writes the bytes
     * @throws InvalidInputException naming the tensor if a component is missing, a dimension is
     *     negative or the byte size overflows a long
     */
    public TensorEntry {
        if (name == null || name.isEmpty() || name.equals("__metadata__")) {
            throw new InvalidInputException("tensor name must be non-empty and not __metadata__: " + name);
        }
        if (dtype == null || shape == null || source == null) {
            throw new InvalidInputException("tensor '" + name + "': dtype, shape and source are required");
        }
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new InvalidInputException("tensor '" + name + "': negative dimension in shape "
                        + Arrays.toString(shape));
            }
        }
        byteSize(name, dtype, shape);
    }

    /**
     * An entry for an SDK tensor type.
     *
     * @param name tensor name
     * @param type element type
     * @param shape dimensions
     * @param source writes the bytes
     */
    public TensorEntry(String name, TensorType type, long[] shape, TensorData source) {
        this(name, type == null ? null : DType.of(type), shape, source);
    }

    /**
     * An entry whose bytes are in a buffer (position to limit).
     *
     * @param name tensor name
     * @param dtype element type
     * @param shape dimensions
     * @param bytes little-endian bytes, exactly {@code elementCount * dtype.bytes()} remaining
     * @return the entry
     * @throws InvalidInputException naming the tensor if the buffer size does not match the shape
     */
    public static TensorEntry of(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        TensorEntry e = new TensorEntry(name, dtype, shape, TensorData.of(bytes));
        if (bytes.remaining() != e.byteSize()) {
            throw new InvalidInputException("tensor '" + name + "': buffer holds " + bytes.remaining()
                    + " bytes, " + dtype + " " + Arrays.toString(shape) + " needs " + e.byteSize());
        }
        return e;
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of bytes the source must write, {@code product(shape) * dtype.bytes()} */
    public long byteSize() {
        return byteSize(name, dtype, shape);
    }

    private static long byteSize(String name, DType dtype, long[] shape) {
        try {
            long n = dtype.bytes();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new InvalidInputException("tensor '" + name + "': byte size of shape " + Arrays.toString(shape)
                    + " overflows a long", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && source.equals(t.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), source);
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + ", " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
