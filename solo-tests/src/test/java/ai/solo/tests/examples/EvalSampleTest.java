package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.eval.Benchmark;
import ai.solo.eval.BenchmarkItem;
import ai.solo.examples.cli.SoloCli;
import ai.solo.examples.eval.MakeEvalSample;
import ai.solo.examples.quickstart.EvalItem;
import ai.solo.generate.Prompt;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark sample shipped in solo-examples/data: readable, reproducible, and evaluable end to end. */
class EvalSampleTest {
    @TempDir
    Path dir;

    private static Path sample() {
        return ExampleFixtures.repoRoot().resolve("solo-examples/data/eval-sample");
    }

    @Test
    void fiftyItemsParseWithTheirImagesAndChoicesHoldTheAnswer() {
        Benchmark bench = Benchmark.read(sample().resolve("bench.jsonl"));

        assertThat(bench.items()).hasSize(MakeEvalSample.PER_CATEGORY * EvalItem.CATEGORIES.size());
        assertThat(bench.categories()).containsExactlyInAnyOrderElementsOf(EvalItem.CATEGORIES);
        for (BenchmarkItem item : bench.items()) {
            assertThat(((Prompt.FileImage) item.image()).path()).isRegularFile();
            boolean letterAnswer = item.answers().get(0).matches("[A-Z]");
            assertThat(item.isMultipleChoice()).as(item.id())
                    .isEqualTo(!item.category().equals(EvalItem.READING) && !letterAnswer);
            if (item.isMultipleChoice()) {
                assertThat(item.choices()).doesNotHaveDuplicates().contains(item.answers().get(0));
            }
        }
    }

    @Test
    void regeneratingGivesTheShippedJsonlAndPixels() throws IOException {
        MakeEvalSample.write(dir, MakeEvalSample.PER_CATEGORY, MakeEvalSample.SEED);

        assertThat(Files.readAllBytes(dir.resolve("bench.jsonl")))
                .isEqualTo(Files.readAllBytes(sample().resolve("bench.jsonl")));
        for (int i = 0; i < MakeEvalSample.PER_CATEGORY * EvalItem.CATEGORIES.size(); i++) {
            String name = String.format("images/%03d.png", i);
            assertThat(pixels(dir.resolve(name))).as(name).isEqualTo(pixels(sample().resolve(name)));
        }
    }

    @Test
    void soloEvaluateRunsOnTheSample() {
        Path model = ExampleFixtures.tinyCheckpoint(dir.resolve("model"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = SoloCli.run(new String[] {"evaluate", "--model", model.toString(), "--data",
            sample().resolve("bench.jsonl").toString(), "--max-new-tokens", "3", "--out", dir.resolve("r.json").toString()},
                new PrintWriter(out), new PrintWriter(err));

        assertThat(code).as(err.toString()).isZero();
        long choiceItems = Benchmark.read(sample().resolve("bench.jsonl")).items().stream()
                .filter(BenchmarkItem::isMultipleChoice).count();
        assertThat(out.toString()).contains("50 items (" + choiceItems + " multiple-choice)")
                .containsPattern("(?m)^overall +50 ");
        assertThat(dir.resolve("r.json")).exists();
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
