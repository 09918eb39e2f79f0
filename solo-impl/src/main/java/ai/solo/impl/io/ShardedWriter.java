package ai.solo.impl.io;

import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a model's tensors into a folder the way Hugging Face {@code save_pretrained} does: one
 * {@code model.safetensors} when it fits under the shard limit, else
 * {@code model-00001-of-0000N.safetensors} shards plus {@code model.safetensors.index.json}.
 *
 * <p>Crash safety: every file is written atomically ({@link SafetensorsWriter}); the index is
 * written after all shards, so it never names a shard that is not there; files of an earlier
 * save are removed only once the new checkpoint is complete. Readers (transformers and
 * {@link SafetensorsCheckpoint#open}) load {@code model.safetensors} when it exists and the
 * index only otherwise, so an earlier single file keeps being read until a sharded save has
 * finished, and a new single file is read as soon as it is in place. If the new shard names
 * coincide with the earlier save's, the earlier index is removed before the first shard is
 * replaced, so an interrupted save leaves a folder that fails to open (or still reads an earlier
 * {@code model.safetensors} whole) rather than one that silently mixes weights from two saves.
 */
public final class ShardedWriter {

    /** Shard size limit transformers uses by default ({@code max_shard_size="5GB"}). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private static final Logger logger = LoggerFactory.getLogger(ShardedWriter.class);
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardedWriter() {
    }

    /**
     * Writes a checkpoint folder, single-file or sharded, and removes the weight files of an
     * earlier save in the same folder.
     *
     * <p>Shards are filled greedily in list order, each holding at most {@code maxShardBytes}
     * of tensor data; a tensor larger than the limit gets a shard of its own. The index has
     * {@code metadata.total_size} (sum of tensor bytes) and {@code weight_map} with sorted keys.
     * Every file's {@code __metadata__} gets {@code "format": "pt"} unless {@code metadata}
     * sets a format, because transformers refuses safetensors whose metadata lacks one.
     *
     * @param dir the model folder; created if missing
     * @param tensors entries in save order; names unique
     * @param maxShardBytes largest data size of one file, {@code > 0}; see
     *     {@link #DEFAULT_MAX_SHARD_BYTES}
     * @param metadata extra {@code __metadata__} strings for every file
     * @return the files written, shards first and the index last
     * @throws InvalidInputException if a name repeats or {@code maxShardBytes <= 0}
     * @throws SoloException naming the file (and tensor) if writing fails
     */
    public static List<Path> writeCheckpoint(Path dir, List<TensorEntry> tensors, long maxShardBytes,
            Map<String, String> metadata) {
        if (maxShardBytes <= 0) {
            throw new InvalidInputException("maxShardBytes must be > 0, was " + maxShardBytes);
        }
        Set<String> names = new HashSet<>();
        for (TensorEntry t : tensors) {
            if (!names.add(t.name())) {
                throw new InvalidInputException("tensor '" + t.name() + "' appears twice in the list to save");
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.putAll(metadata);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SoloException("cannot create checkpoint folder " + dir + ": " + e, e);
        }
        List<List<TensorEntry>> shards = plan(tensors, maxShardBytes);
        return shards.size() == 1 ? writeSingle(dir, tensors, meta) : writeSharded(dir, shards, meta);
    }

    /** Splits greedily in order; a shard is closed when the next tensor would push it past the limit. */
    static List<List<TensorEntry>> plan(List<TensorEntry> tensors, long maxShardBytes) {
        List<List<TensorEntry>> shards = new ArrayList<>();
        List<TensorEntry> current = new ArrayList<>();
        long size = 0;
        for (TensorEntry t : tensors) {
            if (!current.isEmpty() && t.byteSize() > maxShardBytes - size) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += t.byteSize();
        }
        shards.add(current); // possibly empty: a model with no tensors is still one (empty) file
        return shards;
    }

    private static List<Path> writeSingle(Path dir, List<TensorEntry> tensors, Map<String, String> meta) {
        Path file = dir.resolve(SafetensorsCheckpoint.SINGLE_FILE);
        SafetensorsWriter.write(file, tensors, meta);
        // Readers now load the new model.safetensors and ignore any old index, so what is left is
        // clutter. The index goes before the shards so that no index ever names a missing shard.
        delete(dir.resolve(SafetensorsCheckpoint.INDEX_FILE));
        for (Path stale : oldShards(dir)) {
            delete(stale);
        }
        AtomicFiles.syncDirectory(dir);
        logger.info("Saved {} tensors to {}", tensors.size(), file);
        return List.of(file);
    }

    private static List<Path> writeSharded(Path dir, List<List<TensorEntry>> shards, Map<String, String> meta) {
        int count = shards.size();
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            paths.add(dir.resolve(String.format("model-%05d-of-%05d.safetensors", i + 1, count)));
        }
        Path index = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
        List<Path> old = oldShards(dir);
        if (paths.stream().anyMatch(old::contains)) {
            delete(index);
            AtomicFiles.syncDirectory(dir);
        }
        Map<String, String> weightMap = new TreeMap<>(); // sorted, as transformers writes it
        long totalSize = 0;
        for (int i = 0; i < count; i++) {
            SafetensorsWriter.write(paths.get(i), shards.get(i), meta);
            for (TensorEntry t : shards.get(i)) {
                weightMap.put(t.name(), paths.get(i).getFileName().toString());
                totalSize += t.byteSize();
            }
        }
        writeIndex(index, totalSize, weightMap);
        // Only now is the new checkpoint complete. Readers (transformers and SafetensorsCheckpoint)
        // prefer model.safetensors over the index, so a stale single file would shadow the new
        // shards: remove it first, then the old shards the new index does not name.
        delete(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE));
        for (Path stale : old) {
            if (!paths.contains(stale)) {
                delete(stale);
            }
        }
        AtomicFiles.syncDirectory(dir);
        logger.info("Saved {} tensors to {} in {} shards ({} bytes)", weightMap.size(), dir, count, totalSize);
        List<Path> written = new ArrayList<>(paths);
        written.add(index);
        return written;
    }

    private static void writeIndex(Path index, long totalSize, Map<String, String> weightMap) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        // Same text as Python's json.dumps(index, indent=2, sort_keys=True) + "\n".
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try {
            byte[] json = (JSON.writer(pretty).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.writeChannel(index, out -> SafetensorsWriter.writeFully(out, ByteBuffer.wrap(json)));
        } catch (IOException e) {
            throw new SoloException("cannot write " + index + ": " + e, e);
        }
    }

    /** Files named like shards of any earlier save, whatever its shard count. */
    private static List<Path> oldShards(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (SHARD_NAME.matcher(f.getFileName().toString()).matches()) {
                    out.add(f);
                }
            }
        } catch (IOException e) {
            throw new SoloException("cannot list " + dir + ": " + e, e);
        }
        return out;
    }

    private static void delete(Path stale) {
        try {
            if (Files.deleteIfExists(stale)) {
                logger.debug("Removed stale {}", stale);
            }
        } catch (IOException e) {
            throw new SoloException("cannot remove stale " + stale + ": " + e, e);
        }
    }
}
