package ai.solo.impl.io;

import ai.solo.CheckpointException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open safetensors file: the parsed, validated header and memory-mapped access to each
 * tensor's bytes.
 *
 * <p>Layout: an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON
 * ({@code {"__metadata__": {..}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}}),
 * then the data section, to which {@code data_offsets} are relative. {@link #open} checks the
 * whole header against the file (sizes, offsets, overlaps, truncation) so that later reads
 * cannot fail on a malformed file; only the header is read into the heap.
 *
 * <p>Thread-safety: {@link #data} may be called from several threads. Buffers already returned
 * stay readable after {@link #close()} (the mapping lives until the buffer is garbage collected),
 * but every other use of a closed file except {@link #path()} and {@link #close()} throws
 * {@link IllegalStateException} naming the file.
 *
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(path)) {
 *     FloatBuffer w = f.data("model.norm.weight").asFloatBuffer();
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest header {@link #open(Path)} accepts, 100 MB, the limit the Rust reader uses. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final Logger logger = LoggerFactory.getLogger(SafetensorsFile.class);
    private static final String METADATA_KEY = "__metadata__";
    /** Parses one header entry; rejects repeated keys inside it (e.g. two "dtype"). */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Walks the top level, where duplicates are checked by hand to name the tensor. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors; // in header order
    private final Map<String, String> metadata;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /**
     * Opens and validates a safetensors file with the default header limit
     * {@link #MAX_HEADER_BYTES}.
     *
     * @param file path of a {@code .safetensors} file
     * @return the open file; close it to release the file handle
     * @throws CheckpointException naming the file and the tensor (or "header") if the file cannot
     *     be read or is malformed, truncated or inconsistent
     */
    public static SafetensorsFile open(Path file) {
        return open(file, MAX_HEADER_BYTES);
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @param file path of a {@code .safetensors} file
     * @param maxHeaderBytes largest JSON header accepted (capped at about 2 GiB); guards against a
     *     corrupt length prefix making us allocate gigabytes
     * @return the open file; close it to release the file handle
     * @throws CheckpointException naming the file and the tensor (or "header") if the file cannot
     *     be read or is malformed, truncated or inconsistent
     */
    public static SafetensorsFile open(Path file, long maxHeaderBytes) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot open: " + e, e);
        }
        try {
            long fileSize = size(channel, file);
            if (fileSize < 8) {
                throw new CheckpointException(file + ": header: file is " + fileSize
                        + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer prefix = readFully(channel, 0, 8, file);
            long headerLength = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            // Unsigned in the format: a negative long is a length >= 2^63, certainly too big.
            if (headerLength < 0 || headerLength > fileSize - 8) {
                throw new CheckpointException(file + ": header: length prefix says "
                        + Long.toUnsignedString(headerLength) + " bytes but only " + (fileSize - 8)
                        + " bytes follow it");
            }
            // The header is read into one byte array, so a larger limit cannot be honoured.
            long limit = Math.min(maxHeaderBytes, Integer.MAX_VALUE - 8);
            if (headerLength > limit) {
                throw new CheckpointException(file + ": header: " + headerLength
                        + " bytes exceeds the limit of " + limit + " bytes");
            }
            ByteBuffer header = readFully(channel, 8, (int) headerLength, file);
            long dataStart = 8 + headerLength;
            Header parsed = parseHeader(file, header.array(), dataStart, fileSize - dataStart);
            logger.debug("Opened {}: {} tensors, header {} bytes", file, parsed.tensors.size(), headerLength);
            return new SafetensorsFile(file, channel, parsed.tensors, parsed.metadata);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    /** @return the path this file was opened from; usable after {@link #close()} */
    public Path path() {
        return file;
    }

    /**
     * @return every tensor, in header order; unmodifiable
     * @throws IllegalStateException naming the file if it was closed
     */
    public Map<String, TensorInfo> tensors() {
        checkOpen();
        return tensors;
    }

    /**
     * @return the {@code __metadata__} string map, empty if absent; unmodifiable
     * @throws IllegalStateException naming the file if it was closed
     */
    public Map<String, String> metadata() {
        checkOpen();
        return metadata;
    }

    /**
     * Describes one tensor.
     *
     * @param name tensor name
     * @return its header entry
     * @throws CheckpointException naming the file if there is no such tensor
     * @throws IllegalStateException naming the file if it was closed
     */
    public TensorInfo info(String name) {
        checkOpen();
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException(file + ": no tensor '" + name + "' (file has " + tensors.size()
                    + " tensors)");
        }
        return info;
    }

    /**
     * Maps one tensor's bytes, read-only and little-endian, without copying them into the heap.
     * Each call maps afresh; the returned buffer is independent of other calls.
     *
     * @param name tensor name
     * @return a buffer with position 0 and limit {@code info(name).byteSize()}
     * @throws CheckpointException naming file and tensor if the tensor is missing, larger than
     *     2 GiB (a ByteBuffer's limit), or the mapping fails
     * @throws IllegalStateException naming the file if it was closed
     */
    public ByteBuffer data(String name) {
        TensorInfo info = info(name);
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new CheckpointException(file + ": tensor '" + name + "': " + info.byteSize()
                    + " bytes do not fit in one ByteBuffer (2 GiB limit)");
        }
        return map(info, 0, (int) info.byteSize());
    }

    /**
     * Maps part of a tensor's bytes, read-only and little-endian: {@code length} bytes from
     * {@code offset} bytes into the tensor. Lets a range of a tensor larger than 2 GiB be read.
     *
     * @param info an entry of this file, from {@link #info}
     * @param offset bytes into the tensor, {@code 0 <= offset <= info.byteSize() - length}
     * @param length bytes to map, {@code >= 0}
     * @throws IllegalStateException naming the file if it was closed
     */
    ByteBuffer map(TensorInfo info, long offset, int length) {
        if (offset < 0 || length < 0 || offset > info.byteSize() - length || !file.equals(info.file())) {
            throw new IllegalArgumentException(file + ": tensor '" + info.name() + "': bytes [" + offset + ", +"
                    + length + ") are not inside the tensor's " + info.byteSize() + " bytes in " + info.file());
        }
        checkOpen();
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.begin() + offset, length)
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            if (closed.get()) {
                throw new IllegalStateException(closedMessage(), e);
            }
            throw new CheckpointException(file + ": tensor '" + info.name() + "': cannot map bytes: " + e, e);
        }
    }

    /** Releases the file handle. Safe to call more than once; never throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                // Read-only handle: nothing is lost if closing fails, so report and move on.
                logger.warn("Closing {} failed: {}", file, e.toString());
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(closedMessage());
        }
    }

    private String closedMessage() {
        return "safetensors file " + file + " is closed";
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }

    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    }

    private static Header parseHeader(Path file, byte[] json, long dataStart, long dataLength) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        // The top level is streamed so a duplicate tensor name is reported as such; each entry's
        // bytes are then parsed on their own with duplicate detection for its keys.
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CheckpointException(file + ": header: not a JSON object");
            }
            boolean metadataSeen = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value;
                try {
                    value = entryTree(p, json);
                } catch (JsonProcessingException e) {
                    String what = METADATA_KEY.equals(name) ? "header: " + METADATA_KEY : "tensor '" + name + "'";
                    // No line/column: the entry is parsed from its own slice, so they would mislead.
                    throw new CheckpointException(file + ": " + what + ": invalid JSON: " + e.getOriginalMessage(), e);
                }
                if (METADATA_KEY.equals(name)) {
                    if (metadataSeen) {
                        throw new CheckpointException(file + ": header: duplicate " + METADATA_KEY);
                    }
                    metadataSeen = true;
                    readMetadata(file, value, metadata);
                    continue;
                }
                if (tensors.containsKey(name)) {
                    throw new CheckpointException(file + ": tensor '" + name + "': duplicate name in header");
                }
                tensors.put(name, readEntry(file, name, value, dataStart));
            }
            if (p.nextToken() != null) {
                throw new CheckpointException(file + ": header: trailing content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + ": header: not valid JSON" + at(e) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": header: not valid JSON: " + e, e);
        }
        checkRanges(file, tensors.values(), dataStart, dataLength);
        return new Header(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** Re-parses the value the parser is on from its own bytes, strictly. */
    private static JsonNode entryTree(JsonParser p, byte[] json) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        long end = p.currentLocation().getByteOffset();
        return STRICT_JSON.readTree(json, (int) start, (int) (end - start));
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new CheckpointException(file + ": header: " + METADATA_KEY + " is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(file + ": header: " + METADATA_KEY + " value for '" + e.getKey()
                        + "' is not a string");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(Path file, String name, JsonNode node, long dataStart) {
        String where = file + ": tensor '" + name + "': ";
        if (!node.isObject()) {
            throw new CheckpointException(where + "header entry is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CheckpointException(where + "missing or non-string \"dtype\"");
        }
        DType dtype = DType.fromName(dtypeNode.textValue()).orElseThrow(() -> new CheckpointException(
                where + "unknown or unsupported dtype \"" + dtypeNode.textValue() + "\""));
        long[] shape = longArray(node.get("shape"), where, "shape", -1);
        long[] offsets = longArray(node.get("data_offsets"), where, "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new CheckpointException(where + "data_offsets [" + begin + ", " + end + "] end before begin");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorInfo.elementCount(shape, file, name), dtype.bytes());
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + "byte size of shape overflows a long", e);
        }
        if (bytes != end - begin) {
            throw new CheckpointException(where + dtype + " shape " + Arrays.toString(shape) + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (begin > Long.MAX_VALUE - dataStart || end > Long.MAX_VALUE - dataStart) {
            throw new CheckpointException(where + "data_offsets [" + begin + ", " + end + "] past any file size");
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end, file);
    }

    /** Reads a JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longArray(JsonNode node, String where, String field, int length) {
        if (node == null || !node.isArray()) {
            throw new CheckpointException(where + "missing or non-array \"" + field + "\"");
        }
        if (length >= 0 && node.size() != length) {
            throw new CheckpointException(where + "\"" + field + "\" has " + node.size() + " values, expected " + length);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new CheckpointException(where + "\"" + field + "\"[" + i + "] = " + v
                        + " is not a non-negative 64-bit integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkRanges(Path file, Iterable<TensorInfo> tensors, long dataStart, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>();
        for (TensorInfo t : tensors) {
            if (t.end() - dataStart > dataLength) {
                throw new CheckpointException(file + ": tensor '" + t.name() + "': data ends at byte "
                        + (t.end() - dataStart) + " of the data section but the file holds only " + dataLength
                        + " data bytes (truncated file?)");
            }
            sorted.add(t);
        }
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new CheckpointException(file + ": tensor '" + b.name() + "': data_offsets ["
                        + (b.begin() - dataStart) + ", " + (b.end() - dataStart) + "] overlap tensor '" + a.name()
                        + "' at [" + (a.begin() - dataStart) + ", " + (a.end() - dataStart) + "]");
            }
        }
    }

    private static long size(FileChannel channel, Path file) {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new CheckpointException(file + ": header: cannot read the file size: " + e, e);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            while (buf.hasRemaining()) {
                if (channel.read(buf, position + buf.position()) < 0) {
                    throw new CheckpointException(file + ": header: file ended while reading the header");
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(file + ": header: cannot read: " + e, e);
        }
        return buf;
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
