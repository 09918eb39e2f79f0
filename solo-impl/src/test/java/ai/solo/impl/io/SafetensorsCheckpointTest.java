package ai.solo.impl.io;

import static ai.solo.impl.io.TestFiles.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
    void prefersTheIndexOverASingleFile() throws IOException {
        writeShard("model.safetensors", "single");
        writeShard("model-00001-of-00001.safetensors", "sharded");
        writeIndex("{\"sharded\":\"model-00001-of-00001.safetensors\"}");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            assertThat(ckpt.names()).containsExactly("sharded");
        }
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
