package ai.solo.impl.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SafetensorsCheckpoint#readAsFloat32(String, long, ByteBuffer)}: ranges, chunking and bounds. */
class SafetensorsRangeReadTest {

    private static final int N = 1000;

    @TempDir
    Path dir;

    /** The same N values (exactly representable in every dtype) stored as F32, F16, BF16 and F64. */
    private static float[] values() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            // Small integers times powers of two: exact in F16 and BF16 (8 significant bits).
            v[i] = (rnd.nextInt(256) - 128) * (float) Math.pow(2, rnd.nextInt(8) - 4);
        }
        return v;
    }

    private SafetensorsCheckpoint writeAllDtypes(float[] v) {
        ByteBuffer f32 = ByteBuffer.allocate(N * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f16 = ByteBuffer.allocate(N * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bf16 = ByteBuffer.allocate(N * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f64 = ByteBuffer.allocate(N * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            f32.putFloat(x);
            f16.putShort(TensorConversions.f32ToF16(x));
            bf16.putShort(TensorConversions.f32ToBf16(x));
            f64.putDouble(x);
        }
        long[] shape = {N / 10, 10};
        SafetensorsWriter.write(dir.resolve("model.safetensors"), List.of(
                TensorEntry.of("f64", DType.F64, shape, f64.flip()),
                TensorEntry.of("f32", DType.F32, shape, f32.flip()),
                TensorEntry.of("f16", DType.F16, shape, f16.flip()),
                TensorEntry.of("bf16", DType.BF16, shape, bf16.flip()),
                TensorEntry.of("ids", DType.I64, new long[] {2}, TestFiles.longs(1, 2))), Map.of());
        return SafetensorsCheckpoint.open(dir);
    }

    private static float[] floats(ByteBuffer b, int from, int count) {
        float[] out = new float[count];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(from).slice().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(out);
        return out;
    }

    @Test
    void readsEveryDtypeInChunksThatMatchTheWholeTensor() {
        float[] v = values();
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(v)) {
            for (String name : List.of("f32", "f16", "bf16", "f64")) {
                for (int chunk : new int[] {1, 3, 7, 128, 999, N}) {
                    ByteBuffer dst = ByteBuffer.allocateDirect(chunk * 4);
                    List<Float> got = new ArrayList<>();
                    for (long first = 0; first < N; first += chunk) {
                        int n = (int) Math.min(chunk, N - first);
                        dst.clear().limit(n * 4);
                        ckpt.readAsFloat32(name, first, dst);
                        assertThat(dst.position()).as("%s chunk %d", name, chunk).isEqualTo(n * 4);
                        for (float f : floats(dst, 0, n)) {
                            got.add(f);
                        }
                    }
                    assertThat(got).as("%s chunk %d", name, chunk).hasSize(N);
                    for (int i = 0; i < N; i++) {
                        assertThat(got.get(i)).as("%s chunk %d element %d", name, chunk, i).isEqualTo(v[i]);
                    }
                }
            }
        }
    }

    @Test
    void writesAtThePositionLittleEndianAndLeavesTheRestAlone() {
        float[] v = values();
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(v)) {
            for (String name : List.of("f32", "bf16", "f16", "f64")) {
                byte[] backing = new byte[4 + 3 * 4 + 3 + 5];
                java.util.Arrays.fill(backing, (byte) 0x55);
                ByteBuffer dst = ByteBuffer.wrap(backing).order(ByteOrder.BIG_ENDIAN);
                dst.position(4).limit(4 + 3 * 4 + 3); // room for 3 floats and 3 spare bytes

                ckpt.readAsFloat32(name, 500, dst);

                assertThat(dst.position()).as(name).isEqualTo(16);
                assertThat(dst.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
                assertThat(floats(ByteBuffer.wrap(backing), 4, 3)).as(name).containsExactly(v[500], v[501], v[502]);
                for (int i : new int[] {0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23}) {
                    assertThat(backing[i]).as("%s byte %d", name, i).isEqualTo((byte) 0x55);
                }
            }
        }
    }

    @Test
    void readsTheLastElementsAndNothingAtTheEnd() {
        float[] v = values();
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(v)) {
            ByteBuffer dst = ByteBuffer.allocate(8);
            ckpt.readAsFloat32("bf16", N - 2, dst);
            assertThat(floats(dst, 0, 2)).containsExactly(v[N - 2], v[N - 1]);

            ByteBuffer empty = ByteBuffer.allocate(3); // less than one float: zero elements
            ckpt.readAsFloat32("f64", N, empty);
            ckpt.readAsFloat32("f64", 0, empty);
            assertThat(empty.position()).isZero();
        }
    }

    @Test
    void wholeTensorReadIsTheRangeFromZero() {
        float[] v = values();
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(v)) {
            ByteBuffer whole = ByteBuffer.allocate(N * 4 + 8); // extra room is left untouched
            ckpt.readAsFloat32("f16", whole);
            ByteBuffer range = ByteBuffer.allocate(N * 4);
            ckpt.readAsFloat32("f16", 0, range);
            assertThat(whole.position()).isEqualTo(N * 4);
            assertThat(floats(whole, 0, N)).containsExactly(floats(range, 0, N)).containsExactly(v);
        }
    }

    @Test
    void rejectsRangesOutsideTheTensorNamingIt() {
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(values())) {
            record Bad(long first, int floats) {
            }
            for (Bad bad : List.of(new Bad(-1, 1), new Bad(N, 1), new Bad(N - 1, 2), new Bad(N + 1, 0),
                    new Bad(Long.MAX_VALUE, 1), new Bad(Long.MIN_VALUE, 0), new Bad(0, N + 1))) {
                ByteBuffer dst = ByteBuffer.allocate(bad.floats() * 4);
                assertThatThrownBy(() -> ckpt.readAsFloat32("f32", bad.first(), dst)).as("%s", bad)
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("tensor 'f32'")
                        .hasMessageContaining("from element " + bad.first())
                        .hasMessageContaining("it has " + N + " elements");
                assertThat(dst.position()).isZero();
            }
        }
    }

    @Test
    void rejectsMissingAndNonFloatTensorsAndReadOnlyDestinations() {
        try (SafetensorsCheckpoint ckpt = writeAllDtypes(values())) {
            assertThatThrownBy(() -> ckpt.readAsFloat32("nope", 0, ByteBuffer.allocate(4)))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("'nope'")
                    .hasMessageContaining(dir.toString());
            assertThatThrownBy(() -> ckpt.readAsFloat32("ids", 0, ByteBuffer.allocate(4)))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("'ids'")
                    .hasMessageContaining("I64").hasMessageContaining("model.safetensors");
            assertThatThrownBy(() -> ckpt.readAsFloat32("f32", 0, ByteBuffer.allocate(4).asReadOnlyBuffer()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("'f32'")
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void readsARangeOfATensorLargerThanTwoGibibytes() throws IOException {
        // 600M F32 elements = 2.4 GB, more than one ByteBuffer holds; the file is sparse.
        long count = 600_000_000L;
        long bytes = count * 4;
        Path file = TestFiles.raw(dir, "model.safetensors",
                "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + count + "],\"data_offsets\":[0," + bytes + "]}}", 0);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long dataStart = raf.length();
            raf.setLength(dataStart + bytes);
            raf.seek(dataStart + bytes - 8);
            raf.write(TestFiles.bytes(TestFiles.floats(1.5f, -2.25f)));
        }
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThatThrownBy(() -> ckpt.data("big")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("2 GiB");
            ByteBuffer dst = ByteBuffer.allocate(12);
            ckpt.readAsFloat32("big", count - 3, dst);
            assertThat(floats(dst, 0, 3)).containsExactly(0f, 1.5f, -2.25f);
        }
    }
}
