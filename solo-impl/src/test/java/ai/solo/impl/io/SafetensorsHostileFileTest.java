package ai.solo.impl.io;

import static ai.solo.impl.io.TestFiles.floats;
import static ai.solo.impl.io.TestFiles.raw;
import static ai.solo.impl.io.TestFiles.withLengthPrefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.solo.CheckpointException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed files must fail at open with a CheckpointException naming the file and the tensor. */
class SafetensorsHostileFileTest {

    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
        return assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString());
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void rejectsFileShorterThanTheLengthPrefix() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("3 bytes");
    }

    @Test
    void rejectsHeaderLengthPastEndOfFile() throws IOException {
        Path file = withLengthPrefix(dir, "long.safetensors", 1000, "{}".getBytes());
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("1000");
    }

    @Test
    void rejectsHeaderLengthWithTopBitSet() throws IOException {
        Path file = withLengthPrefix(dir, "neg.safetensors", -8, "{}      ".getBytes());
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("18446744073709551608");
    }

    @Test
    void rejectsHeaderOverTheConfiguredLimit() throws IOException {
        Path file = raw(dir, "big.safetensors", "{" + entry("a", "F32", "[1]", 0, 4) + "}", 4);
        assertThatThrownBy(() -> SafetensorsFile.open(file, 16)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("header").hasMessageContaining("limit");
    }

    @Test
    void rejectsHeaderClaiming2To40BytesWithoutAllocatingIt() throws IOException {
        // A sparse file really that large, so only the 100 MB limit (not the file size) can stop it.
        Path file = dir.resolve("sparse.safetensors");
        long claimed = 1L << 40;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(claimed + 8);
            f.write(new byte[] {0, 0, 0, 0, 0, 1, 0, 0}); // 2^40 little-endian
        } catch (IOException e) {
            Assumptions.abort("file system cannot hold a sparse 1 TiB file: " + e);
        }
        assertThat(Files.size(file)).isEqualTo(claimed + 8);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertOpenFails(file)
                .hasMessageContaining("header").hasMessageContaining(Long.toString(claimed))
                .hasMessageContaining("limit"));
    }

    @Test
    void rejectsHeaderClaimingMoreThan100MbInASmallFile() throws IOException {
        Path file = withLengthPrefix(dir, "claim.safetensors", 200_000_000L, new byte[64]);
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("200000000");
    }

    @Test
    void rejectsNonJsonHeader() throws IOException {
        Path file = raw(dir, "text.safetensors", "this is not json", 0);
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("JSON");
    }

    @Test
    void rejectsHeaderThatIsNotAnObject() throws IOException {
        assertOpenFails(raw(dir, "arr.safetensors", "[1,2]", 0)).hasMessageContaining("header");
    }

    @Test
    void rejectsTrailingContentAfterTheHeaderObject() throws IOException {
        assertOpenFails(raw(dir, "trail.safetensors", "{} {}", 0)).hasMessageContaining("header");
    }

    @Test
    void rejectsOffsetsPastTheEndOfTheData() throws IOException {
        Path file = raw(dir, "past.safetensors", "{" + entry("w", "F32", "[100]", 0, 400) + "}", 16);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("400");
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        SafetensorsWriter.write(file, List.of(
                TensorEntry.of("first", DType.F32, new long[] {2}, floats(1, 2)),
                TensorEntry.of("last", DType.F32, new long[] {4}, floats(1, 2, 3, 4))), Map.of());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        assertOpenFails(file).hasMessageContaining("'last'").hasMessageContaining("truncated");
    }

    @Test
    void rejectsNegativeOffsets() throws IOException {
        Path file = raw(dir, "negoff.safetensors", "{" + entry("w", "F32", "[4]", -4, 12) + "}", 16);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("data_offsets");
    }

    @Test
    void rejectsEndBeforeBegin() throws IOException {
        Path file = raw(dir, "rev.safetensors", "{" + entry("w", "F32", "[0]", 8, 4) + "}", 16);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("end before begin");
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        Path file = raw(dir, "overlap.safetensors",
                "{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[4]", 8, 24) + "}", 24);
        assertOpenFails(file).hasMessageContaining("'a'").hasMessageContaining("'b'").hasMessageContaining("overlap");
    }

    @Test
    void rejectsShapeThatDisagreesWithByteCount() throws IOException {
        Path file = raw(dir, "shape.safetensors", "{" + entry("w", "F32", "[2,2]", 0, 12) + "}", 16);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("16 bytes");
    }

    @Test
    void rejectsNegativeDimension() throws IOException {
        Path file = raw(dir, "negdim.safetensors", "{" + entry("w", "F32", "[-1]", 0, 0) + "}", 0);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("shape");
    }

    @Test
    void rejectsShapeWhoseElementCountOverflows() throws IOException {
        Path file = raw(dir, "huge.safetensors",
                "{" + entry("w", "F32", "[4294967296,4294967296,4294967296]", 0, 4) + "}", 4);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("overflow");
    }

    @Test
    void rejectsDuplicateTensorNames() throws IOException {
        Path file = raw(dir, "dup.safetensors",
                "{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}", 8);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("duplicate");
    }

    @Test
    void rejectsDuplicateKeysInsideAnEntry() throws IOException {
        Path file = raw(dir, "dupkey.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("dtype");
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        Path file = raw(dir, "dtype.safetensors", "{" + entry("w", "Q4_K", "[8]", 0, 4) + "}", 4);
        assertOpenFails(file).hasMessageContaining("'w'").hasMessageContaining("Q4_K");
    }

    @Test
    void rejectsEntryWithoutDtypeOrShape() throws IOException {
        Path noDtype = raw(dir, "nodtype.safetensors", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        assertOpenFails(noDtype).hasMessageContaining("'w'").hasMessageContaining("dtype");
        Path noShape = raw(dir, "noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4);
        assertOpenFails(noShape).hasMessageContaining("'w'").hasMessageContaining("shape");
    }

    @Test
    void rejectsNonStringMetadata() throws IOException {
        Path file = raw(dir, "meta.safetensors", "{\"__metadata__\":{\"format\":1}}", 0);
        assertOpenFails(file).hasMessageContaining("header").hasMessageContaining("format");
    }

    @Test
    void reportsUnknownTensorNameWithTheFile() throws IOException {
        Path file = raw(dir, "ok.safetensors", "{" + entry("w", "F32", "[1]", 0, 4) + "}", 4);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> f.data("missing")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("'missing'");
        }
    }

    @Test
    void acceptsEveryKnownDtype() throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (DType d : DType.values()) {
            header.append(offset == 0 ? "" : ",").append(entry("t." + d, d.name(), "[3]", offset, offset + 3L * d.bytes()));
            offset += 3L * d.bytes();
        }
        Path file = raw(dir, "all.safetensors", header.append("}").toString(), (int) offset);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensors()).hasSize(DType.values().length);
            assertThat(f.info("t.F8_E4M3").byteSize()).isEqualTo(3);
            assertThat(f.info("t.U64").begin()).isGreaterThanOrEqualTo(8);
        }
    }
}
