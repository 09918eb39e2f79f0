package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.examples.cli.SoloCli;
import ai.solo.text.SoloTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code solo scaling}: the fit of a metrics file, its report and plot, and one-line errors. */
class SoloScalingCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    private void assertOneErrorLine(String expected) {
        String e = err.toString();
        assertThat(e.lines().count()).as(e).isEqualTo(1);
        assertThat(e.trim()).startsWith("solo: error: ").contains(expected);
    }

    /**
     * Eight steps of 1,000 tokens; held-out losses after steps 2, 4, 6 and 8 exactly on
     * L(D) = (1e5 / D)^0.3; training losses 10% above it.
     */
    private Path powerLawMetrics(boolean withEvals) throws IOException {
        StringBuilder sb = new StringBuilder("{\"event\":\"stage_start\",\"stage\":\"sft\",\"index\":0,\"stages\":1,"
                + "\"steps\":8,\"start_step\":0,\"time\":\"2026-01-01T00:00:00.000Z\"}\n");
        for (int step = 1; step <= 8; step++) {
            double before = (step - 1) * 1000.0;
            sb.append(String.format(Locale.ROOT, "{\"event\":\"step\",\"stage\":\"sft\",\"step\":%d,\"steps\":8,"
                    + "\"loss\":%s,\"learning_rate\":1.0E-4,\"grad_norm\":1.0,\"tokens\":1000,\"target_tokens\":100,"
                    + "\"tokens_per_s\":500.0,\"step_ms\":2000.0,\"skipped\":false,\"time\":\"t\"}%n", step,
                    step == 1 ? "9.0" : String.valueOf(1.1 * Math.pow(1e5 / before, 0.3))));
            if (withEvals && step % 2 == 0) {
                sb.append(String.format(Locale.ROOT, "{\"event\":\"eval\",\"stage\":\"sft\",\"step\":%d,"
                        + "\"held_out_loss\":%s,\"target_tokens\":50,\"time\":\"t\"}%n", step,
                        Math.pow(1e5 / (step * 1000.0), 0.3)));
            }
        }
        sb.append("{\"event\":\"end\",\"steps\":8,\"tokens\":8000,\"final_loss\":1.0,\"final_held_out_loss\":1.0,"
                + "\"checkpoint\":\"x\",\"time\":\"t\"}\n");
        Path run = Files.createDirectories(dir.resolve("run"));
        return Files.writeString(run.resolve("metrics.jsonl"), sb);
    }

    @Test
    void fitsTheHeldOutLossPrintsImprovementsAndWritesPlotAndReport() throws IOException {
        Path metrics = powerLawMetrics(true);

        int code = solo("scaling", "--metrics", metrics.toString());

        assertThat(code).as(err.toString()).isZero();
        String printed = out.toString();
        assertThat(printed).contains("4 held-out loss points at D = 2,000 to 8,000 training tokens (stage sft)");
        assertThat(printed).contains("alpha  0.3000").contains("Dc     1.000e+05 tokens").contains("R^2    1.0000");
        // (L(2000) - L(4000)) / 2000 tokens, per million tokens
        double perMillion = (Math.pow(50, 0.3) - Math.pow(25, 0.3)) / 2000 * 1e6;
        assertThat(printed).contains(String.format(Locale.ROOT, "%.4f", perMillion));
        Path png = dir.resolve("run/scaling-eval.png");
        Path report = dir.resolve("run/scaling-eval.json");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("fit").path("alpha").asDouble()).isCloseTo(0.3, within(1e-9));
        assertThat(json.path("fit").path("dc").asDouble()).isCloseTo(1e5, within(1e-3));
        assertThat(json.path("fit").path("r_squared").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(json.path("points")).hasSize(4);
        assertThat(json.path("points").get(1).path("improvement_per_token").asDouble())
                .isCloseTo(perMillion / 1e6, within(1e-12));
        assertThat(json.path("points").get(0).has("improvement")).isFalse();
    }

    @Test
    void fitsTheSmoothedTrainingLossWithAChosenWindowAndFiles() throws IOException {
        Path metrics = powerLawMetrics(false);
        Path png = dir.resolve("plots/train.png");
        Path report = dir.resolve("plots/train.json");

        int code = solo("scaling", "--metrics", metrics.toString(), "--metric", "train", "--window", "1",
                "--png", png.toString(), "--out", report.toString());

        assertThat(code).as(err.toString()).isZero();
        // step 1 (before any token) is left out; the rest lie on 1.1 * (1e5 / D)^0.3
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("points")).hasSize(7);
        assertThat(json.path("fit").path("alpha").asDouble()).isCloseTo(0.3, within(1e-9));
        assertThat(json.path("fit").path("r_squared").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(png).exists();
        assertThat(out.toString()).contains("7 training loss points");
    }

    @Test
    void aRunWithoutEvaluationsSuggestsTheTrainingLoss() throws IOException {
        Path metrics = powerLawMetrics(false);

        int code = solo("scaling", "--metrics", metrics.toString());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine(metrics + ": 0 held-out loss points to fit");
        assertThat(err.toString()).contains("--metric train");
    }

    @Test
    void aMalformedLineIsOneErrorLineNamingFileAndLine() throws IOException {
        Path metrics = powerLawMetrics(true);
        Files.writeString(metrics, Files.readString(metrics).replaceFirst("\"held_out_loss\":", "\"held_out_loss\":\"x\",\"y\":"));

        int code = solo("scaling", "--metrics", metrics.toString());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine(metrics + ":4: \"held_out_loss\" must be a number or null, got string");
    }

    @Test
    void badFlagsAreUsageErrors() throws IOException {
        Path metrics = powerLawMetrics(true);

        assertThat(solo("scaling", "--metrics", metrics.toString(), "--window", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--window goes with --metric train");
        assertThat(solo("scaling", "--metrics", metrics.toString(), "--metric", "loss")).isEqualTo(2);
    }

    @Test
    void fitsTheMetricsOfARealTrainingRun() throws IOException {
        Path model = dir.resolve("model");
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(1).numAttentionHeads(2).numKeyValueHeads(1).build();
        try (SoloModel m = SoloModel.create(config, 1); SoloTokenizer tok = SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            m.attachTokenizer(tok);
            m.save(model);
        }
        Files.writeString(dir.resolve("corpus.txt"), "the red square\nthe blue circle\nthree green stars\n");
        Files.writeString(dir.resolve("held.txt"), "a red circle\ntwo blue squares\n");
        Path recipe = Files.writeString(dir.resolve("recipe.json"), """
                {"name": "r", "stages": [{"name": "lm", "steps": 6, "pack_length": 32, "learning_rate": 0.01,
                  "sources": [{"format": "text", "path": "corpus.txt"}],
                  "held_out": {"format": "text", "path": "held.txt"}, "evaluate_every": 2}]}
                """);
        assertThat(solo("train", "--recipe", recipe.toString(), "--model", model.toString(), "--out",
                dir.resolve("run").toString())).as(err.toString()).isZero();

        int code = solo("scaling", "--metrics", dir.resolve("run/metrics.jsonl").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("3 held-out loss points").contains("alpha").contains("R^2");
        assertThat(dir.resolve("run/scaling-eval.png")).exists();
    }
}
