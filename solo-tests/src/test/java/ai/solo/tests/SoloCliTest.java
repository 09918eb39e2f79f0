package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.examples.cli.SoloCli;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code solo} CLI end to end, on the fixture and on the embedded demo model. */
class SoloCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void logitsCommandMatchesReferenceLogits() {
        FixtureData fixture = FixtureData.load();
        Map<String, Tensor> input = new LinkedHashMap<>();
        input.put("input_ids", Tensor.ofInts(fixture.inputIds, 1, fixture.length));
        input.put("vision_patch_indices", Tensor.ofInts(fixture.patchIndices, 1, fixture.length));
        input.put("vision_patches", Tensor.ofFloats(fixture.patches, 12, 3072));
        Path in = dir.resolve("in.safetensors");
        TensorFiles.write(in, input);
        Path result = dir.resolve("out.safetensors");

        int code = solo("logits", "--model", Fixtures.soloTiny().toString(), "--input", in.toString(),
                "--out", result.toString());

        assertThat(code).as(err.toString()).isZero();
        Tensor logits = TensorFiles.read(result).get("logits");
        assertThat(logits.shape()).containsExactly(1, fixture.length, fixture.vocab);
        assertThat(ModelParityTest.maxAbsDiff(logits.toFloats(), fixture.logits)).isLessThan(1e-4);
    }

    @Test
    void logitsCommandReadsTheFixtureFileDirectly() {
        Path result = dir.resolve("out.safetensors");

        int code = solo("logits", "--model", Fixtures.soloTiny().toString(),
                "--input", Fixtures.soloTiny().resolve("expected.safetensors").toString(), "--out", result.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(ModelParityTest.maxAbsDiff(TensorFiles.read(result).get("logits").toFloats(), FixtureData.load().logits))
                .isLessThan(1e-4);
    }

    @Test
    void patchifyWritesPatchesGridAndPicture() {
        Path patches = dir.resolve("p.safetensors");
        Path png = dir.resolve("grid.png");

        int code = solo("patchify", "--image", Fixtures.soloTiny().resolve("image.png").toString(),
                "--out", patches.toString(), "--png", png.toString());

        assertThat(code).as(err.toString()).isZero();
        Map<String, Tensor> written = TensorFiles.read(patches);
        assertThat(written.get("vision_patches").shape()).containsExactly(12, 3072);
        assertThat(written.get("grid").toInts()).containsExactly(3, 4);
        assertThat(png).exists();
        assertThat(ModelParityTest.maxAbsDiff(written.get("vision_patches").toFloats(), FixtureData.load().patches))
                .isLessThan(0.02);
    }

    @Test
    void infoPrintsConfigParametersAndMemory() {
        int code = solo("info", "--model", Fixtures.soloTiny().toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("hidden_size=64").contains("parameters: 421,056").contains("float16");
    }

    @Test
    void demoRunsEndToEndOnTheEmbeddedModel() {
        int code = solo("demo", "--out", dir.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("logits max abs difference 0.0");
        assertThat(dir.resolve("checkpoint/config.json")).exists();
        assertThat(dir.resolve("checkpoint/model.safetensors")).exists();
        assertThat(dir.resolve("patch-grid.png")).exists();
    }

    @Test
    void errorsPrintOneLineAndExitNonZero() throws Exception {
        Path bogus = dir.resolve("bogus.png");
        Files.write(bogus, new byte[] {1, 2, 3, 4, 5});

        int code = solo("patchify", "--image", bogus.toString(), "--out", dir.resolve("x.safetensors").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().trim()).startsWith("solo: error: ").contains("bogus.png").doesNotContain("\tat ");
        assertThat(err.toString().trim().lines().count()).isEqualTo(1);
    }

    @Test
    void verboseAddsTheStackTrace() {
        int code = solo("info", "--verbose", "--model", dir.resolve("missing").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("solo: error: ").contains("\tat ");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        assertThat(solo("logits", "--model", "x")).isEqualTo(2);
    }
}
