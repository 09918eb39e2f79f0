package ai.solo.impl.io;

import static ai.solo.impl.io.TestFiles.bytes;
import static ai.solo.impl.io.TestFiles.floats;
import static ai.solo.impl.io.TestFiles.longs;
import static ai.solo.impl.io.TestFiles.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import ai.solo.TensorType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    /** F32 [2,3], F16 [4] (1, -2, 65504, inf), BF16 [2] (1, -2), I64 [1,2]. */
    private static List<TensorEntry> sampleTensors() {
        return List.of(
                TensorEntry.of("w.f32", DType.F32, new long[] {2, 3}, floats(1, 2, 3, 4, 5, 6)),
                TensorEntry.of("w.f16", DType.F16, new long[] {4}, shorts(0x3C00, 0xC000, 0x7BFF, 0x7C00)),
                TensorEntry.of("w.bf16", DType.BF16, new long[] {2}, shorts(0x3F80, 0xC000)),
                TensorEntry.of("ids", DType.I64, new long[] {1, 2}, longs(7, -1)));
    }

    private static float[] readFloats(SafetensorsCheckpoint ckpt, String name) {
        int n = (int) ckpt.info(name).elementCount();
        ByteBuffer dst = ByteBuffer.allocateDirect(n * 4);
        ckpt.readAsFloat32(name, dst);
        assertThat(dst.position()).isEqualTo(n * 4);
        float[] out = new float[n];
        dst.flip().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static String headerText(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(all, 8, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void roundTripsF32F16Bf16I64InOneFile() {
        List<Path> written = ShardedWriter.writeCheckpoint(dir, sampleTensors(), ShardedWriter.DEFAULT_MAX_SHARD_BYTES, Map.of());

        assertThat(written).containsExactly(dir.resolve("model.safetensors"));
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("w.f32", "w.f16", "w.bf16", "ids");
            assertThat(ckpt.info("w.f32").shape()).containsExactly(2, 3);
            assertThat(ckpt.info("w.f16").dtype()).isEqualTo(DType.F16);
            assertThat(ckpt.info("ids").dtype().tensorType()).contains(TensorType.I64);
            assertThat(readFloats(ckpt, "w.f32")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(readFloats(ckpt, "w.f16")).containsExactly(1, -2, 65504, Float.POSITIVE_INFINITY);
            assertThat(readFloats(ckpt, "w.bf16")).containsExactly(1, -2);
            ByteBuffer ids = ckpt.data("ids");
            assertThat(ids.isReadOnly()).isTrue();
            assertThat(ids.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(ids.getLong(0)).isEqualTo(7);
            assertThat(ids.getLong(8)).isEqualTo(-1);
            assertThat(ckpt.files().get(0).metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void writesHeaderExactlyAsPythonSafetensorsDoes() throws IOException {
        Path file = dir.resolve("a.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), Map.of("format", "pt"));

        String header = headerText(file);
        assertThat(header.length() % 8).isZero();
        assertThat(header.stripTrailing()).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w.f32\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"w.f16\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[24,32]},"
                + "\"w.bf16\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[32,36]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[1,2],\"data_offsets\":[36,52]}}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");
        JsonNode parsed = new ObjectMapper().readTree(header);
        assertThat(parsed.get("ids").get("data_offsets").get(1).asLong()).isEqualTo(52);
        assertThat(Files.size(file)).isEqualTo(8 + header.length() + 52);
    }

    @Test
    void omitsMetadataWhenEmptyAndKeepsScalarsAndEmptyTensors() throws IOException {
        Path file = dir.resolve("b.safetensors");
        SafetensorsWriter.write(file, List.of(
                TensorEntry.of("scalar", DType.F32, new long[] {}, floats(3.5f)),
                TensorEntry.of("empty", DType.F32, new long[] {0, 4}, floats())), Map.of());

        assertThat(headerText(file)).startsWith("{\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).isEmpty();
            assertThat(f.info("scalar").elementCount()).isEqualTo(1);
            assertThat(f.data("scalar").getFloat(0)).isEqualTo(3.5f);
            assertThat(f.info("empty").elementCount()).isZero();
            assertThat(f.data("empty").remaining()).isZero();
        }
    }

    @Test
    void splitsIntoShardsWithSortedIndexAndReadsThemBack() throws IOException {
        List<TensorEntry> tensors = List.of(
                TensorEntry.of("z.first", DType.F32, new long[] {25}, floats(new float[25])),
                TensorEntry.of("b.second", DType.BF16, new long[] {50}, shorts(new int[50])),
                TensorEntry.of("a.third", DType.F16, new long[] {2}, shorts(0x3C00, 0x0001)),
                TensorEntry.of("c.fourth", DType.I64, new long[] {2}, longs(1, 2)));

        // 100 + 100 bytes fill the first shard exactly; 4 + 16 go to the second.
        List<Path> written = ShardedWriter.writeCheckpoint(dir, tensors, 200, Map.of());

        assertThat(written).containsExactly(dir.resolve("model-00001-of-00002.safetensors"),
                dir.resolve("model-00002-of-00002.safetensors"), dir.resolve("model.safetensors.index.json"));
        assertThat(Files.readString(dir.resolve("model.safetensors.index.json"))).isEqualTo("""
                {
                  "metadata": {
                    "total_size": 220
                  },
                  "weight_map": {
                    "a.third": "model-00002-of-00002.safetensors",
                    "b.second": "model-00001-of-00002.safetensors",
                    "c.fourth": "model-00002-of-00002.safetensors",
                    "z.first": "model-00001-of-00002.safetensors"
                  }
                }
                """);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactlyInAnyOrder("z.first", "b.second", "a.third", "c.fourth");
            assertThat(ckpt.files()).hasSize(2);
            assertThat(ckpt.info("a.third").file()).isEqualTo(dir.resolve("model-00002-of-00002.safetensors"));
            assertThat(readFloats(ckpt, "a.third")).containsExactly(1f, (float) Math.pow(2, -24));
            assertThat(ckpt.data("c.fourth").getLong(8)).isEqualTo(2);
        }
    }

    @Test
    void givesATensorLargerThanTheLimitItsOwnShard() {
        List<TensorEntry> plan = List.of(
                TensorEntry.of("small1", DType.F32, new long[] {2}, floats(1, 2)),
                TensorEntry.of("huge", DType.F32, new long[] {100}, floats(new float[100])),
                TensorEntry.of("small2", DType.F32, new long[] {2}, floats(3, 4)));

        assertThat(ShardedWriter.plan(plan, 64)).extracting(List::size).containsExactly(1, 1, 1);
        ShardedWriter.writeCheckpoint(dir, plan, 64, Map.of());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.info("huge").file().getFileName().toString()).isEqualTo("model-00002-of-00003.safetensors");
            assertThat(readFloats(ckpt, "small2")).containsExactly(3, 4);
        }
    }

    @Test
    void resavingWithFewerShardsRemovesStaleShards() throws IOException {
        List<TensorEntry> three = List.of(
                TensorEntry.of("a", DType.F32, new long[] {4}, floats(1, 1, 1, 1)),
                TensorEntry.of("b", DType.F32, new long[] {4}, floats(2, 2, 2, 2)),
                TensorEntry.of("c", DType.F32, new long[] {4}, floats(3, 3, 3, 3)));
        ShardedWriter.writeCheckpoint(dir, three, 16, Map.of());
        assertThat(dir.resolve("model-00003-of-00003.safetensors")).exists();

        ShardedWriter.writeCheckpoint(dir, three, 32, Map.of());

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                    "model.safetensors.index.json");
        }
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(readFloats(ckpt, "c")).containsExactly(3, 3, 3, 3);
        }
    }

    @Test
    void resavingAsOneFileRemovesIndexAndShardsAndViceVersa() throws IOException {
        List<TensorEntry> two = List.of(
                TensorEntry.of("a", DType.F32, new long[] {4}, floats(1, 1, 1, 1)),
                TensorEntry.of("b", DType.F32, new long[] {4}, floats(2, 2, 2, 2)));
        ShardedWriter.writeCheckpoint(dir, two, 16, Map.of());
        Files.writeString(dir.resolve("config.json"), "{}");

        ShardedWriter.writeCheckpoint(dir, two, 1000, Map.of());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.safetensors", "config.json");
        }

        ShardedWriter.writeCheckpoint(dir, two, 16, Map.of());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.json",
                    "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                    "model.safetensors.index.json");
        }
    }

    @Test
    void failedWriteLeavesExistingFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, sampleTensors(), Map.of());
        byte[] before = Files.readAllBytes(file);
        TensorEntry shortSource = new TensorEntry("short", DType.F32, new long[] {4},
                out -> out.write(ByteBuffer.allocate(12)));

        assertThatThrownBy(() -> SafetensorsWriter.write(file, List.of(shortSource), Map.of()))
                .isInstanceOf(SoloException.class)
                .hasMessageContaining("short").hasMessageContaining("wrote 12 bytes, expected 16");

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void rejectsASourceThatWritesTooMuch() {
        TensorEntry tooLong = new TensorEntry("long", TensorType.F32, new long[] {1},
                out -> out.write(ByteBuffer.allocate(8)));

        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("x.safetensors"), List.of(tooLong), Map.of()))
                .isInstanceOf(SoloException.class).hasMessageContaining("long").hasMessageContaining("more than");
        assertThat(dir.resolve("x.safetensors")).doesNotExist();
    }

    @Test
    void rejectsDuplicateNamesAndMismatchedBuffersBeforeWriting() {
        TensorEntry a = TensorEntry.of("a", DType.F32, new long[] {1}, floats(1));

        assertThatThrownBy(() -> ShardedWriter.writeCheckpoint(dir, List.of(a, a), 100, Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> TensorEntry.of("b", DType.F32, new long[] {3}, floats(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'b'");
        assertThatThrownBy(() -> new TensorEntry("c", DType.F32, new long[] {-1}, TensorData.of(floats())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'c'");
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void readAsFloat32WritesAtDestinationPositionAndRejectsBadRequests() {
        ShardedWriter.writeCheckpoint(dir, sampleTensors(), 1000, Map.of());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            ByteBuffer dst = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
            dst.position(4);
            ckpt.readAsFloat32("w.bf16", dst);
            assertThat(dst.position()).isEqualTo(12);
            assertThat(dst.order(ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(1f);

            assertThatThrownBy(() -> ckpt.readAsFloat32("w.f32", ByteBuffer.allocate(20)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("w.f32");
            assertThatThrownBy(() -> ckpt.readAsFloat32("ids", ByteBuffer.allocate(20)))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("ids")
                    .hasMessageContaining("model.safetensors");
        }
    }

    @Test
    void readsF64AsFloat32() throws IOException {
        ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).putDouble(-3).flip();
        SafetensorsWriter.write(dir.resolve("model.safetensors"),
                List.of(TensorEntry.of("d", DType.F64, new long[] {2}, doubles)), Map.of());
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(readFloats(ckpt, "d")).containsExactly(0.25f, -3f);
        }
    }

    @Test
    void dataAfterCloseThrowsAndCloseIsIdempotent() {
        ShardedWriter.writeCheckpoint(dir, sampleTensors(), 1000, Map.of());
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
        ByteBuffer before = ckpt.data("w.f32");

        ckpt.close();
        ckpt.close();

        assertThatThrownBy(() -> ckpt.data("w.f32")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model.safetensors");
        assertThat(before.getFloat(20)).isEqualTo(6f); // mapped earlier, still readable
    }

    /** Accepts at most {@code max} bytes per write call, as a socket or pipe may. */
    private static final class TrickleChannel implements WritableByteChannel {
        final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        final int max;
        int calls;

        TrickleChannel(int max) {
            this.max = max;
        }

        @Override
        public int write(ByteBuffer src) {
            calls++;
            int n = Math.min(max, src.remaining());
            for (int i = 0; i < n; i++) {
                received.write(src.get());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void writeFullyWritesEverythingThroughShortWrites() throws IOException {
        TrickleChannel out = new TrickleChannel(3);
        ByteBuffer b = ByteBuffer.allocateDirect(10);
        for (int i = 0; i < 10; i++) {
            b.put((byte) i);
        }
        b.position(2);

        SafetensorsWriter.writeFully(out, b);

        assertThat(out.received.toByteArray()).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(out.calls).isEqualTo(3);
        assertThat(b.position()).isEqualTo(10);
        SafetensorsWriter.writeFully(out, b); // nothing left: no call
        assertThat(out.calls).isEqualTo(3);
    }

    @Test
    void bufferSourceSurvivesShortWritesAndCanBeWrittenTwice() throws IOException {
        ByteBuffer bytes = floats(1, 2, 3);
        TensorData source = TensorData.of(bytes);
        for (int round = 0; round < 2; round++) {
            TrickleChannel out = new TrickleChannel(5);
            source.writeTo(out);
            assertThat(out.received.toByteArray()).containsExactly(bytes(floats(1, 2, 3)));
        }
        assertThat(bytes.position()).isZero();
    }

    @Test
    void sourceMayStreamFromAFileChannel() throws IOException {
        Path raw = dir.resolve("raw.bin");
        Files.write(raw, bytes(floats(9, 8, 7)));
        TensorEntry streamed = new TensorEntry("s", DType.F32, new long[] {3}, out -> {
            try (FileChannel in = FileChannel.open(raw, StandardOpenOption.READ)) {
                in.transferTo(0, in.size(), out);
            }
        });

        SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(streamed), Map.of());

        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(readFloats(ckpt, "s")).containsExactly(9, 8, 7);
        }
    }
}
