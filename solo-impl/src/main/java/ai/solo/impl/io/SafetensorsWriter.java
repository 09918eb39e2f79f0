package ai.solo.impl.io;

import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one safetensors file byte-for-byte in the layout Python's {@code safetensors} produces:
 * compact JSON header with {@code __metadata__} first (omitted when empty) and tensors in the
 * given order, each as {@code {"dtype":..,"shape":[..],"data_offsets":[b,e]}}; header padded
 * with spaces to a multiple of 8 bytes; data contiguous in the same order.
 *
 * <p>The file appears atomically: it is written to a hidden temporary file in the same folder,
 * fsynced, then renamed over the destination. If anything fails (including a
 * {@link TensorData} writing the wrong number of bytes) the temporary file is deleted and a file
 * already at the destination is left intact.
 *
 * <p>Data is laid out in list order. Python's writer sorts by element size instead so every
 * tensor starts at a multiple of its element size; a caller mixing dtypes gets the same
 * alignment by listing 8-byte types before 4-, 2- and 1-byte ones (a model whose weights share
 * one dtype is aligned in any order).
 *
 * <p>For a whole model folder, with sharding and an index, use {@link ShardedWriter}.
 */
public final class SafetensorsWriter {

    private static final Logger logger = LoggerFactory.getLogger(SafetensorsWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /**
     * Writes {@code tensors} to {@code file}, replacing it atomically.
     *
     * @param file destination; its folder must exist
     * @param tensors entries in file order; names unique
     * @param metadata the {@code __metadata__} strings, e.g. {@code {"format": "pt"}}; may be empty
     * @throws InvalidInputException if two entries share a name
     * @throws SoloException naming the file (and tensor) if writing fails or a source writes a
     *     byte count other than its entry's {@link TensorEntry#byteSize()}
     */
    public static void write(Path file, List<TensorEntry> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        long t0 = System.nanoTime();
        try {
            AtomicFiles.writeChannel(file, out -> {
                ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(out, prefix);
                writeFully(out, ByteBuffer.wrap(header));
                for (TensorEntry t : tensors) {
                    writeTensor(file, out, t);
                }
            });
        } catch (IOException e) {
            throw new SoloException("cannot write " + file + ": " + e, e);
        }
        logger.debug("Wrote {} ({} tensors) in {} ms", file, tensors.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The header bytes {@link #write} puts after the 8-byte length: JSON padded with spaces to a
     * multiple of 8 bytes.
     */
    static byte[] header(List<TensorEntry> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (TensorEntry t : tensors) {
            if (!seen.add(t.name())) {
                throw new InvalidInputException("tensor '" + t.name() + "' appears twice in the list to write");
            }
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            long end = offset + t.byteSize();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a tree of strings and numbers cannot fail", e);
        }
        // Aligning the data section to 8 bytes lets readers view it as any dtype in place.
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeTensor(Path file, FileChannel out, TensorEntry t) throws IOException {
        long expected = t.byteSize();
        CountingChannel counting = new CountingChannel(out, expected, file, t.name());
        t.source().writeTo(counting);
        if (counting.written != expected) {
            throw new SoloException(file + ": tensor '" + t.name() + "': source wrote " + counting.written
                    + " bytes, expected " + expected + " for " + t.dtype() + " " + Arrays.toString(t.shape()));
        }
    }

    /**
     * Writes all of {@code b}, from its position to its limit, calling {@code out.write} until
     * nothing remains; a single {@link WritableByteChannel#write} may write fewer bytes than
     * asked. The position of {@code b} ends at its limit. For blocking channels (files, sockets
     * in blocking mode, {@link TensorData} sinks); a non-blocking channel would be spun on.
     *
     * @param out the channel to write to; not closed
     * @param b the bytes to write; heap or direct
     * @throws IOException if a write fails
     */
    public static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Passes writes through, counting them, and stops a source that writes too much at once. */
    private static final class CountingChannel implements WritableByteChannel {
        private final FileChannel out;
        private final long limit;
        private final Path file;
        private final String tensor;
        long written;

        CountingChannel(FileChannel out, long limit, Path file, String tensor) {
            this.out = out;
            this.limit = limit;
            this.file = file;
            this.tensor = tensor;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (written + src.remaining() > limit) {
                throw new SoloException(file + ": tensor '" + tensor + "': source wrote more than the expected "
                        + limit + " bytes");
            }
            int n = out.write(src);
            written += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return out.isOpen();
        }

        @Override
        public void close() {
            // The file belongs to the writer; a source closing its channel must not end the file.
        }
    }
}
