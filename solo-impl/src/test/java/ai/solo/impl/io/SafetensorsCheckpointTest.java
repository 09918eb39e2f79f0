package ai.solo.impl.io;

import static ai.solo.impl.io.TestFiles.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folder-level validation: which file is read and what the index may name. */
class SafetensorsCheckpointTest {

    @TempDir
    Path dir;

    private void writeShard(String name, String... tensors) {
        List<TensorEntry> entries = Arrays.stream(tensors)
                .map(t -> TensorEntry.of(t, DType.F32, new long[] {1}, floats(1)))
                .toList();
        SafetensorsWriter.write(dir.resolve(name), entries, Map.of());
    }

    private void writeIndex(String weightMapJson) throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":4},\"weight_map\":" + weightMapJson + "}");
    }

    @Test
    void reportsFolderWithoutWeights() {
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessage("no model.safetensors or model.safetensors.index.json in " + dir);
    }

    @Test
    void reportsMissingTensorWithTheFolder() {
        writeShard("model.safetensors", "a");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThatThrownBy(() -> ckpt.info("b")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("'b'");
        }
    }

    @Test
    void prefersASingleFileOverTheIndexAsTransformersDoes() throws IOException {
        writeShard("model.safetensors", "single");
        writeShard("model-00001-of-00001.safetensors", "sharded");
        writeIndex("{\"sharded\":\"model-00001-of-00001.safetensors\"}");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("single");
            assertThat(ckpt.files()).extracting(SafetensorsFile::path).containsExactly(dir.resolve("model.safetensors"));
        }
    }

    @Test
    void ignoresEvenABrokenIndexNextToASingleFile() throws IOException {
        writeShard("model.safetensors", "single");
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{not json");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("single");
        }
    }

    @Test
    void rejectsAnOversizedIndexBeforeReadingIt() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        try (RandomAccessFile f = new RandomAccessFile(index.toFile(), "rw")) {
            f.setLength(SafetensorsCheckpoint.MAX_INDEX_BYTES + 1); // sparse: nothing is written
        }
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining((SafetensorsCheckpoint.MAX_INDEX_BYTES + 1) + " bytes exceeds the limit of "
                        + SafetensorsCheckpoint.MAX_INDEX_BYTES);
        assertThat(SafetensorsCheckpoint.MAX_INDEX_BYTES).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void acceptsAnIndexUnderTheLimit() throws IOException {
        writeShard("s1.safetensors", "a");
        // Pretty-printed with lots of padding, still far below the limit.
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"a\": \"s1.safetensors\"}" + " ".repeat(100_000) + "}");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("a");
        }
    }

    @Test
    void everyUseOfAClosedCheckpointNamesTheFolderAndFile() throws IOException {
        writeShard("s1.safetensors", "a");
        writeShard("s2.safetensors", "b");
        writeIndex("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir);
        SafetensorsFile shard = ckpt.files().get(1);
        ckpt.close();
        ckpt.close();

        String folder = "checkpoint " + dir + " is closed";
        String fileOfB = dir.resolve("s2.safetensors").toString();
        ByteBuffer dst = ByteBuffer.allocate(4);
        List<ThrowingCallable> perTensor = List.of(
                () -> ckpt.info("b"),
                () -> ckpt.data("b"),
                () -> ckpt.readAsFloat32("b", dst),
                () -> ckpt.readAsFloat32("b", 0, dst),
                () -> ckpt.readAsFloat32("b", 0, ByteBuffer.allocate(4).asReadOnlyBuffer()));
        for (ThrowingCallable call : perTensor) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(folder).hasMessageContaining(fileOfB);
        }
        for (ThrowingCallable call : List.<ThrowingCallable>of(ckpt::names, ckpt::files, () -> ckpt.info("nope"))) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class).hasMessageContaining(folder);
        }
        assertThat(dst.position()).isZero();
        // The shards were closed with it, and say which file they are.
        assertThatThrownBy(() -> shard.data("b")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(fileOfB).hasMessageContaining("closed");
        assertThat(ckpt.directory()).isEqualTo(dir);
        assertThat(ckpt.toString()).contains(dir.toString());
    }

    @Test
    void everyUseOfAClosedFileNamesTheFile() {
        writeShard("x.safetensors", "a");
        Path path = dir.resolve("x.safetensors");
        SafetensorsFile file = SafetensorsFile.open(path);
        TensorInfo info = file.info("a");
        file.close();
        file.close();

        for (ThrowingCallable call : List.<ThrowingCallable>of(file::tensors, file::metadata, () -> file.info("a"),
                () -> file.data("a"), () -> file.map(info, 0, 4))) {
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class)
                    .hasMessage("safetensors file " + path + " is closed");
        }
        assertThat(file.path()).isEqualTo(path);
    }

    @Test
    void ignoresShardTensorsTheIndexDoesNotList() throws IOException {
        writeShard("s1.safetensors", "a", "extra");
        writeIndex("{\"a\":\"s1.safetensors\"}");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("a");
        }
    }

    @Test
    void followsSymlinkedShardsAsInTheHuggingFaceCache() throws IOException {
        // The hub cache keeps snapshot/<rev>/model-*.safetensors -> ../../blobs/<sha>.
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        Path snapshot = Files.createDirectories(dir.resolve("snapshots/rev"));
        SafetensorsWriter.write(blobs.resolve("abc123"),
                List.of(TensorEntry.of("a", DType.F32, new long[] {1}, floats(5))), Map.of());
        Files.createSymbolicLink(snapshot.resolve("model-00001-of-00001.safetensors"), Path.of("../../blobs/abc123"));
        Files.writeString(snapshot.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\"}}");

        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(snapshot)) {
            assertThat(ckpt.data("a").getFloat(0)).isEqualTo(5f);
        }
    }

    @Test
    void reportsIndexNamingAMissingShard() throws IOException {
        writeShard("s1.safetensors", "a");
        writeIndex("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("s2.safetensors").hasMessageContaining("'b'")
                .hasMessageContaining("does not exist");
    }

    @Test
    void rejectsIndexFileNamesThatLeaveTheFolder() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        writeShard("x.safetensors", "a");
        for (String name : List.of("../x.safetensors", "sub/../x.safetensors", dir.resolve("x.safetensors").toString(),
                "..", "C:x.safetensors", "a\\b.safetensors")) {
            writeIndex("{\"a\":\"" + name.replace("\\", "\\\\") + "\"}");
            assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).as(name).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model.safetensors.index.json").hasMessageContaining("'a'")
                    .hasMessageContaining("plain file name");
        }
    }

    @Test
    void reportsTensorMissingFromItsShard() throws IOException {
        writeShard("s1.safetensors", "a");
        writeIndex("{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'b'").hasMessageContaining("s1.safetensors");
    }

    @Test
    void reportsMalformedIndex() throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{not json");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors.index.json").hasMessageContaining("JSON");

        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors.index.json").hasMessageContaining("weight_map");
    }

    @Test
    void reportsCorruptShardByItsPath() throws IOException {
        Files.write(dir.resolve("s1.safetensors"), new byte[] {1});
        writeIndex("{\"a\":\"s1.safetensors\"}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("s1.safetensors").toString());
    }
}
