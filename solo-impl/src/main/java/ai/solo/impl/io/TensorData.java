package ai.solo.impl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * The bytes of one tensor, produced on demand while a file is written, so a caller can stream
 * each tensor from native memory (or compute it) without holding the whole model in the heap.
 * Implementations write exactly {@link TensorEntry#byteSize()} bytes, little-endian, row-major;
 * the writer checks the count.
 */
@FunctionalInterface
public interface TensorData {

    /**
     * Writes the tensor's bytes to {@code out}. May be called more than once if the caller
     * retries a save, so it should not consume its source.
     *
     * @param out the destination; do not close it
     * @throws IOException if writing fails
     */
    void writeTo(WritableByteChannel out) throws IOException;

    /**
     * Wraps a buffer: writes its bytes from position to limit, leaving the buffer itself
     * untouched (a duplicate is written, so the same entry can be written again).
     *
     * @param bytes little-endian tensor bytes; heap or direct
     * @return a source writing those bytes
     */
    static TensorData of(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        return out -> SafetensorsWriter.writeFully(out, view.duplicate());
    }
}
