package ai.solo.impl.io;

import ai.solo.CheckpointException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the safetensors reader: whatever the bytes, opening the file and
 * reading every tensor it lists either works or throws a {@link CheckpointException}; nothing
 * else, and no allocation a header merely claims. In a plain test run Jazzer replays the inputs
 * under {@code src/test/resources/ai/solo/impl/io/SafetensorsFuzzTestInputs}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void readerRefusesOrReadsAnyBytes(byte[] bytes) {
        Path file;
        try {
            file = Files.createTempFile("fuzz", ".safetensors");
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file, 1 << 20)) {
            for (String name : f.tensors().keySet()) {
                TensorInfo info = f.info(name);
                if (info.byteSize() <= 1 << 20) {
                    ByteBuffer data = f.data(name);
                    if (data.remaining() != info.byteSize()) {
                        throw new AssertionError(name + ": " + data.remaining() + " bytes, header says "
                                + info.byteSize());
                    }
                }
            }
        } catch (CheckpointException expected) {
            // a clear refusal is a correct answer to hostile bytes
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }
}
