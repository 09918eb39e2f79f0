package ai.solo.impl.io;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The weights of a Hugging Face style model folder: either one {@code model.safetensors} or
 * the shards listed by {@code model.safetensors.index.json}, seen as one map of tensors. When
 * both are present {@code model.safetensors} is used and the index ignored, as transformers does.
 *
 * <p>{@link #open} validates the index and every shard header up front, so a missing shard or
 * a tensor absent from its shard fails at open with the file named, not midway through
 * loading. Tensor bytes are memory-mapped on demand; nothing is copied into the heap.
 *
 * <p>Thread-safety: reads ({@link #data}, {@link #readAsFloat32}) may run concurrently. After
 * {@link #close()} every method except {@link #directory()}, {@link #toString()} and
 * {@link #close()} throws {@link IllegalStateException} naming the folder (and the tensor's file
 * when a tensor is named).
 *
 * <pre>{@code
 * try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(modelDir)) {
 *     TensorInfo info = ckpt.info("model.norm.weight");            // shape [hidden]
 *     ByteBuffer f32 = ByteBuffer.allocateDirect((int) info.elementCount() * 4);
 *     ckpt.readAsFloat32("model.norm.weight", f32);               // BF16/F16/F64 converted
 * }
 * }</pre>
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

    /** Name of the single-file weights in a model folder. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** Name of the shard index in a model folder. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /**
     * Largest {@link #INDEX_FILE} {@link #open} reads, 64 MiB: real indexes are well under 1 MiB
     * even for models with tens of thousands of tensors, so a bigger file is corrupt or hostile.
     */
    public static final long MAX_INDEX_BYTES = 64L << 20;

    /** Largest mapping one range read makes; a multiple of every dtype's size. */
    private static final int MAX_MAP_BYTES = 1 << 30;

    private static final Logger logger = LoggerFactory.getLogger(SafetensorsCheckpoint.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor; // in weight_map (or header) order
    private final AtomicBoolean closed = new AtomicBoolean();

    private SafetensorsCheckpoint(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.dir = dir;
        this.files = files;
        this.byTensor = byTensor;
    }

    /**
     * Opens the weights of a model folder: {@code model.safetensors} if it exists, else the
     * index {@code model.safetensors.index.json} and its shards. This is the order transformers
     * ({@code from_pretrained}) uses; a folder holding both gets a warning that the index is
     * ignored.
     *
     * @param dir the model folder
     * @return the open checkpoint; close it to release the files
     * @throws CheckpointException naming the folder, file and tensor when the weights are missing,
     *     the index is larger than {@link #MAX_INDEX_BYTES} or malformed or names a shard that is
     *     missing or outside the folder, a listed tensor is not in its shard, or any file is
     *     malformed
     */
    public static SafetensorsCheckpoint open(Path dir) {
        Path single = dir.resolve(SINGLE_FILE);
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(single)) {
            if (Files.isRegularFile(index)) {
                logger.warn("{} holds both {} and {}; loading {} and ignoring the index, as transformers does",
                        dir, SINGLE_FILE, INDEX_FILE, SINGLE_FILE);
            }
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            file.tensors().keySet().forEach(name -> byTensor.put(name, file));
            logger.info("Opened checkpoint {} ({} tensors)", single, byTensor.size());
            return new SafetensorsCheckpoint(dir, List.of(file), Collections.unmodifiableMap(byTensor));
        }
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        throw new CheckpointException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir);
    }

    private static SafetensorsCheckpoint openSharded(Path dir, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = shards.get(shardName);
                if (shard == null) {
                    Path shardPath = shardPath(dir, index, e.getKey(), shardName);
                    shard = SafetensorsFile.open(shardPath);
                    shards.put(shardName, shard);
                }
                if (!shard.tensors().containsKey(e.getKey())) {
                    throw new CheckpointException(index + ": tensor '" + e.getKey() + "' is mapped to "
                            + shard.path() + " which does not contain it");
                }
                byTensor.put(e.getKey(), shard);
            }
            for (SafetensorsFile shard : shards.values()) {
                for (String name : shard.tensors().keySet()) {
                    if (!byTensor.containsKey(name)) {
                        // transformers also loads only what weight_map lists; keep that behaviour.
                        logger.warn("Tensor '{}' in {} is not listed in {}; ignored", name, shard.path(), index);
                    }
                }
            }
            logger.info("Opened checkpoint {} ({} tensors in {} shards)", dir, byTensor.size(), shards.size());
            return new SafetensorsCheckpoint(dir, List.copyOf(shards.values()), Collections.unmodifiableMap(byTensor));
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(readIndexBytes(index));
        } catch (IOException e) {
            throw new CheckpointException(index + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(index + ": not a JSON object");
        }
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(index + ": missing or non-object \"weight_map\"");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(index + ": tensor '" + e.getKey() + "': weight_map value is not a file name");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** Reads the index, refusing one over {@link #MAX_INDEX_BYTES} before allocating for it. */
    private static byte[] readIndexBytes(Path index) {
        byte[] bytes;
        try {
            long size = Files.size(index);
            if (size > MAX_INDEX_BYTES) {
                throw tooLarge(index, size + " bytes");
            }
            // Bounded read as well: the file may have grown since its size was checked.
            try (InputStream in = Files.newInputStream(index)) {
                bytes = in.readNBytes((int) MAX_INDEX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new CheckpointException(index + ": cannot read: " + e, e);
        }
        if (bytes.length > MAX_INDEX_BYTES) {
            throw tooLarge(index, "more than " + MAX_INDEX_BYTES + " bytes");
        }
        return bytes;
    }

    private static CheckpointException tooLarge(Path index, String size) {
        return new CheckpointException(index + ": " + size + " exceeds the limit of " + MAX_INDEX_BYTES
                + " bytes for a shard index (corrupt file?)");
    }

    /** Resolves a shard name from the index, refusing anything that could leave the folder. */
    private static Path shardPath(Path dir, Path index, String tensor, String shardName) {
        String where = index + ": tensor '" + tensor + "': shard file \"" + shardName + "\" ";
        // No separators (either platform's), no drive prefix, no "." or "..": with those gone the
        // name cannot point outside the folder (an absolute path always holds a separator).
        if (shardName.isEmpty() || shardName.equals(".") || shardName.equals("..")
                || shardName.chars().anyMatch(c -> c == '/' || c == '\\' || c == ':' || c == 0)) {
            throw new CheckpointException(where + "must be a plain file name inside " + dir);
        }
        Path shard = dir.resolve(shardName);
        if (!Files.isRegularFile(shard)) {
            throw new CheckpointException(where + "does not exist: " + shard);
        }
        return shard;
    }

    /** @return the model folder */
    public Path directory() {
        return dir;
    }

    /**
     * @return every tensor name, in index (or single-file header) order; unmodifiable
     * @throws IllegalStateException naming the folder if the checkpoint was closed
     */
    public Set<String> names() {
        checkOpen(null);
        return byTensor.keySet();
    }

    /**
     * @return the open files, one per shard, in first-use order
     * @throws IllegalStateException naming the folder if the checkpoint was closed
     */
    public List<SafetensorsFile> files() {
        checkOpen(null);
        return files;
    }

    /**
     * Describes one tensor.
     *
     * @param name tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
     * @return dtype, shape, file and byte range
     * @throws CheckpointException naming the folder if the checkpoint has no such tensor
     * @throws IllegalStateException naming the folder and the tensor's file if the checkpoint was
     *     closed
     */
    public TensorInfo info(String name) {
        return fileOf(name).info(name);
    }

    /**
     * Maps one tensor's raw bytes, read-only and little-endian, in its stored dtype.
     *
     * @param name tensor name
     * @return a buffer of {@code info(name).byteSize()} bytes, position 0
     * @throws CheckpointException naming folder or file and tensor if missing or unmappable
     * @throws IllegalStateException naming the folder and the tensor's file if the checkpoint was
     *     closed
     */
    public ByteBuffer data(String name) {
        return fileOf(name).data(name);
    }

    /**
     * Reads a floating-point tensor as float32 into a caller-owned buffer, converting F16, BF16
     * and F64 on the way (F32 is a plain copy). Writes little-endian whatever {@code dst.order()}
     * is, starting at {@code dst.position()}, and advances the position by
     * {@code 4 * elementCount}; bytes past that are left alone. A direct {@code dst} lets the
     * caller hand the floats to native code without a heap copy. Same as
     * {@code readAsFloat32(name, 0, dst)} with {@code dst} limited to the tensor's size.
     *
     * @param name tensor name
     * @param dst receives {@code 4 * info(name).elementCount()} bytes
     * @throws CheckpointException naming file and tensor if it is missing or not a float dtype
     * @throws InvalidInputException naming the tensor if {@code dst} has too little room, or is read-only
     * @throws IllegalStateException naming the folder and the tensor's file if the checkpoint was
     *     closed
     */
    public void readAsFloat32(String name, ByteBuffer dst) {
        TensorInfo info = floatInfo(name, dst);
        // Compared by element so that 4 * count cannot overflow for absurd shapes.
        if (info.elementCount() > dst.remaining() / 4) {
            throw new InvalidInputException("tensor '" + name + "': destination has " + dst.remaining()
                    + " bytes remaining, " + info.elementCount() + " float32 elements (4 bytes each) needed");
        }
        ByteBuffer whole = dst.duplicate();
        whole.limit(whole.position() + (int) info.elementCount() * 4);
        readAsFloat32(name, 0, whole);
        dst.position(whole.position());
    }

    /**
     * Reads a range of a floating-point tensor as float32: the {@code dst.remaining() / 4}
     * elements starting at element {@code firstElement} (row-major, as stored), converting F16,
     * BF16 and F64 (F32 is a plain copy). Writes little-endian whatever {@code dst.order()} is,
     * starting at {@code dst.position()}, and advances the position by 4 bytes per element,
     * like {@link ByteBuffer#put}; a trailing 1 to 3 bytes of {@code dst} are left alone.
     *
     * <p>Only the requested range is mapped, so a large tensor can be converted in bounded
     * chunks, including one over 2 GiB that {@link #data} cannot return whole:
     *
     * <pre>{@code
     * ByteBuffer chunk = ByteBuffer.allocateDirect(4 << 20);
     * for (long first = 0; first < info.elementCount(); first += chunk.capacity() / 4) {
     *     chunk.clear().limit((int) Math.min(chunk.capacity(), 4 * (info.elementCount() - first)));
     *     ckpt.readAsFloat32(info.name(), first, chunk);
     *     chunk.flip(); // hand the floats on
     * }
     * }</pre>
     *
     * @param name tensor name
     * @param firstElement index of the first element to read, {@code >= 0}
     * @param dst receives 4 bytes per element; its remaining size sets how many are read
     * @throws CheckpointException naming file and tensor if it is missing or not a float dtype
     * @throws InvalidInputException naming the tensor if the range
     *     {@code [firstElement, firstElement + dst.remaining() / 4)} is not inside the tensor, or
     *     {@code dst} is read-only
     * @throws IllegalStateException naming the folder and the tensor's file if the checkpoint was
     *     closed
     */
    public void readAsFloat32(String name, long firstElement, ByteBuffer dst) {
        TensorInfo info = floatInfo(name, dst);
        long total = info.elementCount();
        int count = dst.remaining() / 4;
        if (firstElement < 0 || firstElement > total || count > total - firstElement) {
            throw new InvalidInputException("tensor '" + name + "': cannot read " + count + " elements from element "
                    + firstElement + ": it has " + total + " elements (" + info.file() + ")");
        }
        SafetensorsFile file = fileOf(name);
        int srcBytes = info.dtype().bytes();
        // One mapping per step; F64 needs twice the destination's bytes, which may pass 2 GiB.
        int step = MAX_MAP_BYTES / srcBytes;
        for (int done = 0; done < count; done += step) {
            int n = Math.min(step, count - done);
            ByteBuffer src = file.map(info, (firstElement + done) * srcBytes, n * srcBytes);
            ByteBuffer out = dst.duplicate();
            out.limit(out.position() + n * 4);
            switch (info.dtype()) {
                case F32 -> out.put(src); // bulk copy: one memcpy from the mapping
                case BF16 -> TensorConversions.bf16ToF32(src, out);
                case F16 -> TensorConversions.f16ToF32(src, out);
                case F64 -> TensorConversions.f64ToF32(src, out);
                default -> throw new IllegalStateException("unreachable: " + info.dtype());
            }
            dst.position(out.position());
        }
    }

    /** Looks a tensor up for a float32 read and checks the destination can be written. */
    private TensorInfo floatInfo(String name, ByteBuffer dst) {
        TensorInfo info = info(name);
        if (!info.dtype().isConvertibleToFloat32()) {
            throw new CheckpointException(info.file() + ": tensor '" + name + "': dtype " + info.dtype()
                    + " cannot be read as float32");
        }
        if (dst.isReadOnly()) {
            throw new InvalidInputException("tensor '" + name + "': destination buffer is read-only");
        }
        return info;
    }

    /** Closes every file. Safe to call more than once; never throws. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            files.forEach(SafetensorsFile::close);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsCheckpoint[" + dir + ", " + byTensor.size() + " tensors in " + files.size() + " files]";
    }

    private SafetensorsFile fileOf(String name) {
        checkOpen(name);
        SafetensorsFile file = byTensor.get(name);
        if (file == null) {
            throw new CheckpointException(dir + ": no tensor '" + name + "' in checkpoint (" + byTensor.size()
                    + " tensors)");
        }
        return file;
    }

    /** Throws if closed, naming the folder and, if {@code tensor} is one of ours, its file. */
    private void checkOpen(String tensor) {
        if (closed.get()) {
            SafetensorsFile file = tensor == null ? null : byTensor.get(tensor);
            throw new IllegalStateException("checkpoint " + dir + " is closed"
                    + (file == null ? "" : " (tensor '" + tensor + "' is in " + file.path() + ")"));
        }
    }
}
