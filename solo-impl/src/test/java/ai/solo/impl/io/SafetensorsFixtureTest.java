package ai.solo.impl.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/** Reads the files the Python reference wrote for the tiny SOLO fixture. */
class SafetensorsFixtureTest {

    private Path fixture;

    @BeforeEach
    void findFixture() {
        fixture = TestFiles.sharedDir().map(d -> d.resolve("fixtures/solo-tiny")).orElse(null);
        Assumptions.assumeTrue(fixture != null && Files.isRegularFile(fixture.resolve("model.safetensors")),
                "shared/fixtures/solo-tiny not found (set -Dsolo.shared.dir); it is produced by the Python reference");
    }

    @Test
    void readsTinyModelWeightsWrittenByPython() {
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(fixture)) {
            assertThat(ckpt.names()).contains("model.embed_tokens.weight", "model.embed_vision_patch.weight",
                    "lm_head.weight", "model.norm.weight");
            assertThat(ckpt.info("model.embed_tokens.weight").shape()).containsExactly(1031, 64);
            assertThat(ckpt.info("model.embed_vision_patch.weight").shape()).containsExactly(64, 3072);
            assertThat(ckpt.info("model.embed_vision_patch.weight").intShape()).containsExactly(64, 3072);
            assertThat(ckpt.info("model.embed_tokens.weight").dtype()).isEqualTo(DType.F32);
            assertThat(ckpt.files().get(0).metadata()).containsEntry("format", "pt");

            ByteBuffer dst = ByteBuffer.allocateDirect(1031 * 64 * 4);
            ckpt.readAsFloat32("model.embed_tokens.weight", dst);
            FloatBuffer floats = dst.flip().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float sumSq = 0;
            for (int i = 0; i < floats.limit(); i++) {
                assertThat(Float.isFinite(floats.get(i))).isTrue();
                sumSq += floats.get(i) * floats.get(i);
            }
            assertThat(sumSq).isPositive();
        }
    }

    @Test
    void readsExpectedOutputsWrittenByPython() {
        try (SafetensorsFile f = SafetensorsFile.open(fixture.resolve("expected.safetensors"))) {
            TensorInfo ids = f.info("input_ids");
            assertThat(ids.dtype()).isEqualTo(DType.I64);
            assertThat(ids.shape()).containsExactly(1, 23);
            assertThat(f.info("logits").dtype()).isEqualTo(DType.F32);
            assertThat(f.info("logits").shape()).containsExactly(1, 23, 1031);
            // The same ids expected.json lists: <s> text, then <vision>=1000, <vpatch>=1001 ...
            ByteBuffer data = f.data("input_ids");
            assertThat(data.getLong(0)).isEqualTo(1);
            assertThat(data.getLong(4 * 8)).isEqualTo(1000);
            assertThat(data.getLong(5 * 8)).isEqualTo(1001);
            assertThat(data.getLong(22 * 8)).isEqualTo(55);
        }
    }
}
