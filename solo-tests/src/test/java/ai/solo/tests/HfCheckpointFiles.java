package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes Hugging Face checkpoint folders byte by byte, independently of the SDK's own
 * safetensors code, so tests can check what the SDK writes against the format itself and hand the
 * SDK folders laid out as Python's {@code save_pretrained} lays them out.
 *
 * <p>Format: 8-byte little-endian header length, a JSON header ({@code __metadata__} plus
 * {@code name: {dtype, shape, data_offsets}}), then the data; sharded folders list
 * {@code name -> shard file} in {@code model.safetensors.index.json}'s {@code weight_map}.
 */
final class HfCheckpointFiles {
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HfCheckpointFiles() {
    }

    /**
     * One tensor as stored.
     *
     * @param dtype the header's dtype string, e.g. {@code "BF16"}
     * @param shape dimensions
     * @param data the raw little-endian bytes
     */
    record RawTensor(String dtype, long[] shape, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RawTensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                    && Arrays.equals(data, t.data);
        }

        @Override
        public int hashCode() {
            return 31 * dtype.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }

        /** @return the 16-bit elements of an F16 or BF16 tensor, as unsigned bit patterns */
        int[] halves() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            int[] out = new int[data.length / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getShort(2 * i) & 0xFFFF;
            }
            return out;
        }

        /** @return the bit patterns of an F32 tensor */
        int[] floatBits() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            int[] out = new int[data.length / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getInt(4 * i);
            }
            return out;
        }

        static RawTensor ofHalves(String dtype, long[] shape, int[] bits) {
            ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : bits) {
                b.putShort((short) v);
            }
            return new RawTensor(dtype, shape.clone(), b.array());
        }
    }

    /**
     * One parsed safetensors file.
     *
     * @param metadata the {@code __metadata__} strings
     * @param tensors tensors in header order
     * @param headerLength length of the JSON header in bytes
     */
    record RawFile(Map<String, String> metadata, Map<String, RawTensor> tensors, long headerLength) {
    }

    /**
     * Parses one file and checks the format's invariants: the header fits the file, data offsets
     * are in order and contiguous, and each tensor has exactly {@code product(shape) * size} bytes.
     */
    static RawFile readFile(Path file) {
        byte[] bytes = readAll(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = b.getLong(0);
        assertThat(headerLength).as("%s header length", file).isBetween(2L, (long) bytes.length - 8);
        JsonNode header = json(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8), file);
        int dataStart = 8 + (int) headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, RawTensor> tensors = new LinkedHashMap<>();
        long expectedBegin = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().textValue()));
                continue;
            }
            JsonNode entry = e.getValue();
            String dtype = entry.get("dtype").textValue();
            long[] shape = new long[entry.get("shape").size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = entry.get("shape").get(i).longValue();
                elements *= shape[i];
            }
            long begin = entry.get("data_offsets").get(0).longValue();
            long end = entry.get("data_offsets").get(1).longValue();
            assertThat(begin).as("%s: %s starts where the previous tensor ends", file, e.getKey()).isEqualTo(expectedBegin);
            assertThat(end - begin).as("%s: %s byte count", file, e.getKey()).isEqualTo(elements * elementBytes(dtype));
            expectedBegin = end;
            tensors.put(e.getKey(), new RawTensor(dtype, shape,
                    Arrays.copyOfRange(bytes, dataStart + (int) begin, dataStart + (int) end)));
        }
        assertThat((long) dataStart + expectedBegin).as("%s: data ends at the end of the file", file)
                .isEqualTo(bytes.length);
        return new RawFile(metadata, tensors, headerLength);
    }

    /**
     * Reads every tensor of a model folder: {@code model.safetensors} if present, else the shards
     * the index names, checking that each listed tensor is in its shard and each shard tensor listed.
     */
    static Map<String, RawTensor> readFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(SINGLE))) {
            return readFile(dir.resolve(SINGLE)).tensors();
        }
        Map<String, String> weightMap = weightMap(dir);
        Map<String, RawTensor> out = new TreeMap<>();
        for (String shard : new java.util.TreeSet<>(weightMap.values())) {
            for (Map.Entry<String, RawTensor> e : readFile(dir.resolve(shard)).tensors().entrySet()) {
                assertThat(weightMap.get(e.getKey())).as("%s lists %s in %s", INDEX, e.getKey(), shard).isEqualTo(shard);
                out.put(e.getKey(), e.getValue());
            }
        }
        assertThat(out.keySet()).as("every tensor the index lists is in a shard").isEqualTo(weightMap.keySet());
        return out;
    }

    /** @return the index's {@code weight_map}, in file order */
    static Map<String, String> weightMap(Path dir) {
        JsonNode index = readJson(dir.resolve(INDEX));
        Map<String, String> out = new LinkedHashMap<>();
        index.get("weight_map").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().textValue()));
        return out;
    }

    static JsonNode readJson(Path file) {
        return json(new String(readAll(file), StandardCharsets.UTF_8), file);
    }

    /**
     * Writes a safetensors file as Python's {@code safetensors} does: {@code __metadata__} first,
     * then the tensors sorted by name (all of one dtype here), the header padded with spaces to a
     * multiple of 8 bytes.
     */
    static void writeFile(Path file, Map<String, RawTensor> tensors) {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        Map<String, RawTensor> sorted = new TreeMap<>(tensors);
        long offset = 0;
        for (Map.Entry<String, RawTensor> e : sorted.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", e.getValue().dtype());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + e.getValue().data().length);
            offset += e.getValue().data().length;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        sorted.values().forEach(t -> out.put(t.data()));
        write(file, out.array());
    }

    /**
     * Writes a sharded folder as transformers' {@code save_pretrained} does: tensors go to shards in
     * the given (state-dict) order, a new shard starting when the next tensor would pass
     * {@code maxShardBytes}; the index holds {@code metadata.total_size} and a sorted
     * {@code weight_map}.
     *
     * @return the number of shards
     */
    static int writeShardedFolder(Path dir, Map<String, RawTensor> stateDict, long maxShardBytes) {
        List<Map<String, RawTensor>> shards = new ArrayList<>();
        Map<String, RawTensor> current = new LinkedHashMap<>();
        long size = 0;
        for (Map.Entry<String, RawTensor> e : stateDict.entrySet()) {
            long bytes = e.getValue().data().length;
            if (!current.isEmpty() && size + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += bytes;
        }
        shards.add(current);
        ObjectNode index = JSON.createObjectNode();
        long total = stateDict.values().stream().mapToLong(t -> t.data().length).sum();
        index.putObject("metadata").put("total_size", total);
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            writeFile(dir.resolve(name), shards.get(i));
            shards.get(i).keySet().forEach(k -> weightMap.put(k, name));
        }
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        writeJson(dir.resolve(INDEX), index);
        return shards.size();
    }

    static void writeJson(Path file, JsonNode node) {
        try {
            write(file, (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode newObject() {
        return JSON.createObjectNode();
    }

    static int elementBytes(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            default -> 1;
        };
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text, Path file) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(file + " is not JSON: " + e.getMessage(), e);
        }
    }
}
