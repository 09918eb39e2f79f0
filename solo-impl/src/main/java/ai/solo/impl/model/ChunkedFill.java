package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds engine arrays from float32 values produced piece by piece, through one reusable
 * staging buffer, so a tensor of any size costs at most {@value #CHUNK} floats of extra memory
 * and never a Java array of its full size.
 */
final class ChunkedFill {
    /** Elements staged per chunk: 16 MiB of float32. */
    static final int CHUNK = 4 << 20;

    /** Writes float32 values for a range of a tensor's elements. */
    @FunctionalInterface
    interface Source {
        /**
         * @param firstElement index of the first element to produce (row-major)
         * @param dst receives {@code dst.remaining() / 4} little-endian float32 values
         */
        void fill(long firstElement, ByteBuffer dst);
    }

    private final ByteBuffer staging = ByteBuffer.allocateDirect(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * @param manager owner of the new array
     * @param shape its shape
     * @param type its element type
     * @param source produces the values
     * @return a new array owning its memory
     */
    NDArray fill(NDManager manager, Shape shape, DataType type, Source source) {
        long total = shape.size();
        NDArray flat = manager.zeros(new Shape(total), type);
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(CHUNK, total - done);
            staging.clear().limit(n * 4);
            source.fill(done, staging);
            staging.flip();
            // the chunk aliases the staging buffer, so it is copied into the target before reuse
            try (NDArray chunk = manager.create(staging, new Shape(n), DataType.FLOAT32);
                    NDArray typed = chunk.toType(type, false)) {
                flat.set(new NDIndex("{}:{}", done, done + n), typed);
            }
            done += n;
        }
        NDArray shaped = flat.reshape(shape);
        flat.close();
        return shaped;
    }
}
