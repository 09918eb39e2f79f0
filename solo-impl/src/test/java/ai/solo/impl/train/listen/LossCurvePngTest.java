package ai.solo.impl.train.listen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingListener.Evaluation;
import ai.solo.train.TrainingListener.StageStart;
import ai.solo.train.TrainingListener.StepMetrics;
import ai.solo.train.TrainingSummary;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurvePngTest {
    @TempDir
    Path dir;

    /** Two stages of a decaying noisy loss with held-out evaluations every 50 steps. */
    private static void run(List<TrainingListener> listeners, Path out, boolean end) {
        Random noise = new Random(7);
        String[] names = {"stage1", "sft"};
        int[] steps = {300, 200};
        long global = 0;
        for (int s = 0; s < 2; s++) {
            for (TrainingListener l : listeners) {
                l.onStageStart(new StageStart(names[s], s, 2, steps[s], 0));
            }
            for (int i = 1; i <= steps[s]; i++) {
                global++;
                double loss = (s == 0 ? 1.8 : 1.2) + 8.0 * Math.exp(-global / 40.0) + 0.25 * noise.nextGaussian();
                StepMetrics m = new StepMetrics(names[s], i, steps[s], loss, 1e-5, 1, 2048, 500, 1_000_000, false);
                for (TrainingListener l : listeners) {
                    l.onStep(m);
                    if (i % 50 == 0) {
                        l.onEvaluation(new Evaluation(names[s], i, loss + 0.1, 1000));
                    }
                    if (i % 100 == 0) {
                        l.onCheckpoint(out.resolve("checkpoint-" + names[s] + "-" + i), names[s], i);
                    }
                }
            }
        }
        if (end) {
            for (TrainingListener l : listeners) {
                l.onEnd(new TrainingSummary(500, 1_024_000, 1.3, 1.4, out.resolve("sft")));
            }
        }
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    @Test
    void writesANonBlankPngOfTheExpectedSizeAtEachCheckpointAndTheEnd() throws IOException {
        Path png = dir.resolve("out/loss.png");
        LossCurvePng curve = new LossCurvePng(png);

        run(List.of(curve), dir, true);

        assertThat(png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LossCurvePng.WIDTH).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(LossCurvePng.HEIGHT).isEqualTo(500);
        assertThat(distinctColours(image)).isGreaterThan(20);
        try (var files = Files.list(png.getParent())) {
            assertThat(files).as("no temporary files left").containsExactly(png);
        }
    }

    @Test
    void aCheckpointRewritesThePlotWithTheStepsSoFar() throws IOException {
        Path png = dir.resolve("loss.png");
        LossCurvePng curve = new LossCurvePng(png);
        curve.onStageStart(new StageStart("sft", 0, 1, 100, 0));
        curve.onStep(new StepMetrics("sft", 1, 100, 3.0, 1e-5, 1, 10, 5, 1000, false));
        curve.onCheckpoint(dir.resolve("c1"), "sft", 1);
        BufferedImage first = ImageIO.read(png.toFile());

        curve.onStep(new StepMetrics("sft", 2, 100, 2.0, 1e-5, 1, 10, 5, 1000, false));
        curve.onCheckpoint(dir.resolve("c2"), "sft", 2);

        assertThat(differingPixels(first, ImageIO.read(png.toFile()))).isPositive();
    }

    @Test
    void drawsAnEmptyPlotBeforeTheFirstStep() {
        BufferedImage image = new LossCurvePng(dir.resolve("loss.png")).render();

        assertThat(distinctColours(image)).isGreaterThan(2);
    }

    @Test
    void replayingTheMetricsFileRestoresTheSameCurve() {
        Path metricsFile = dir.resolve("metrics.jsonl");
        LossCurvePng live = new LossCurvePng(dir.resolve("loss.png"));
        try (JsonlMetrics metrics = new JsonlMetrics(metricsFile)) {
            run(List.of(live, metrics), dir, false);
        }
        LossCurvePng restored = new LossCurvePng(dir.resolve("restored.png"));

        restored.replay(metricsFile);

        assertThat(differingPixels(live.render(), restored.render())).isZero();
    }

    @Test
    void aResumedStageDropsStepsLoggedAfterItsCheckpoint() {
        LossCurvePng reference = new LossCurvePng(dir.resolve("a.png"));
        reference.onStageStart(new StageStart("sft", 0, 1, 10, 0));
        LossCurvePng resumed = new LossCurvePng(dir.resolve("b.png"));
        resumed.onStageStart(new StageStart("sft", 0, 1, 10, 0));
        for (int i = 1; i <= 5; i++) {
            reference.onStep(new StepMetrics("sft", i, 10, 5.0 - i * 0.3, 1e-5, 1, 10, 5, 1000, false));
            resumed.onStep(new StepMetrics("sft", i, 10, i <= 3 ? 5.0 - i * 0.3 : 9.0, 1e-5, 1, 10, 5, 1000, false));
        }
        resumed.onStageStart(new StageStart("sft", 0, 1, 10, 3));
        for (int i = 4; i <= 5; i++) {
            resumed.onStep(new StepMetrics("sft", i, 10, 5.0 - i * 0.3, 1e-5, 1, 10, 5, 1000, false));
        }

        assertThat(differingPixels(reference.render(), resumed.render())).isZero();
    }

    @Test
    void writesThePlotWithoutTextWhenTheJdkHasNoUsableFonts() throws IOException, InterruptedException {
        Path png = dir.resolve("loss.png");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // a font configuration that does not exist makes every font lookup throw on Linux JDKs
        Process p = new ProcessBuilder(java.toString(), "-Djava.awt.headless=true",
                "-Dsun.awt.fontconfig=" + dir.resolve("missing-fontconfig.properties"),
                "-cp", System.getProperty("java.class.path"), NoFonts.class.getName(), png.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());

        assertThat(p.waitFor()).as(output).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(LossCurvePng.WIDTH);
        assertThat(distinctColours(image)).isGreaterThan(5);
    }

    /** Draws a short run's curve in a JVM of its own, started by the test above. */
    static final class NoFonts {
        public static void main(String[] args) {
            run(List.of(new LossCurvePng(Path.of(args[0]))), Path.of(args[0]).getParent(), true);
        }
    }

    private static long differingPixels(BufferedImage a, BufferedImage b) {
        long n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    n++;
                }
            }
        }
        return n;
    }
}
