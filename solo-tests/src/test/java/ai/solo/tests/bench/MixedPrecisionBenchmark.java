package ai.solo.tests.bench;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Float16 mixed precision against float32: the same model (hidden 128, 4 layers, 4 heads,
 * 2 kv heads, MLP 352, the Mistral tokenizer's vocabulary of 33,031) trained twice from the
 * same seed on the same data order, once in float32 and once with
 * {@code Trainer.Builder.mixedPrecision(true)} (float16 forward and backward, float32 master
 * weights, dynamic loss scaling). Half the samples are synthetic captions (a 64x64 image of
 * four 32-pixel cells, one colour each, captioned with the four colours in reading order),
 * which the model learns almost perfectly; half are text of random words, whose irreducible
 * loss keeps the mean loss away from zero, so relative differences stay meaningful.
 *
 * <p>Prints the two losses every 10 steps side by side, the largest relative and absolute
 * differences over all steps, the final losses, skipped (overflow) steps, non-finite losses and the time per step.
 *
 * <p>{@code java -cp ... ai.solo.tests.bench.MixedPrecisionBenchmark SHARED_DIR [steps=120]}
 */
public final class MixedPrecisionBenchmark {
    private static final String[] COLOURS = {"red", "green", "blue", "yellow", "black", "white"};
    private static final Color[] RGB = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.BLACK, Color.WHITE};
    private static final String[] CELLS = {"top left", "top right", "bottom left", "bottom right"};

    private MixedPrecisionBenchmark() {
    }

    /** Every step of one run. */
    private static final class Run implements TrainingListener {
        final List<StepMetrics> steps = new ArrayList<>();

        @Override
        public void onStep(StepMetrics step) {
            steps.add(step);
        }

        double loss(int i) {
            return steps.get(i).loss();
        }

        long skipped() {
            return steps.stream().filter(StepMetrics::skipped).count();
        }

        long nonFinite() {
            return steps.stream().filter(s -> !Double.isFinite(s.loss()) || !Double.isFinite(s.gradNorm())).count();
        }

        /** @return mean wall time of the steps after the first, in seconds */
        double secondsPerStep() {
            return steps.subList(1, steps.size()).stream().mapToLong(StepMetrics::stepNanos).average().orElseThrow()
                    / 1e9;
        }
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        Path tokenizerDir = Path.of(args.length > 0 ? args[0] : "../shared").resolve("data/mistral-tokenizer");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(128).intermediateSize(352)
                .numHiddenLayers(4).numAttentionHeads(4).numKeyValueHeads(2).build();
        List<TrainingSample> captions = captions(512);
        List<TrainingSample> words = words(512);
        Run float32;
        Run mixed;
        try (SoloTokenizer tokenizer = SoloTokenizer.load(tokenizerDir)) {
            System.out.printf("model: %,d parameters; %d steps of 2 rows x 256 tokens%n", config.parameterCount(), steps);
            float32 = train(config, tokenizer, captions, words, steps, false);
            mixed = train(config, tokenizer, captions, words, steps, true);
        }
        report(float32, mixed);
    }

    private static Run train(SoloConfig config, SoloTokenizer tokenizer, List<TrainingSample> captions,
            List<TrainingSample> words, int steps, boolean mixedPrecision) throws IOException {
        Run run = new Run();
        Path out = Files.createTempDirectory("solo-mixed-bench");
        try (SoloModel model = SoloModel.create(config, 7)) {
            model.attachTokenizer(tokenizer);
            Stage stage = Stage.builder("captions").source(SampleSources.of("cells", captions), 1.0)
                    .source(SampleSources.of("words", words), 1.0)
                    .lossRule(LossRule.ALL_TEXT).steps(steps).packLength(256).batch(2, 2)
                    .learningRate(3e-3, 3e-4, 10).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out).seed(7)
                    .mixedPrecision(mixedPrecision).listener(run).build()) {
                trainer.run();
            }
        } finally {
            deleteTree(out);
        }
        System.out.printf("%s: %d steps, %.3f s per step%n", mixedPrecision ? "float16 mixed" : "float32", steps,
                run.secondsPerStep());
        return run;
    }

    private static void report(Run float32, Run mixed) {
        int n = float32.steps.size();
        System.out.println();
        System.out.println("| step | float32 loss | float16 mixed loss | relative difference |");
        System.out.println("|---|---|---|---|");
        double maxRelative = 0;
        int maxAt = 0;
        double maxAbsolute = 0;
        int maxAbsoluteAt = 0;
        for (int i = 0; i < n; i++) {
            double relative = Math.abs(mixed.loss(i) - float32.loss(i)) / float32.loss(i);
            if (relative > maxRelative) {
                maxRelative = relative;
                maxAt = i + 1;
            }
            double absolute = Math.abs(mixed.loss(i) - float32.loss(i));
            if (absolute > maxAbsolute) {
                maxAbsolute = absolute;
                maxAbsoluteAt = i + 1;
            }
            if (i == 0 || (i + 1) % 10 == 0) {
                System.out.printf("| %d | %.5f | %.5f | %.3f%% |%n", i + 1, float32.loss(i), mixed.loss(i), 100 * relative);
            }
        }
        System.out.println();
        System.out.println("| | float32 | float16 mixed |");
        System.out.println("|---|---|---|");
        System.out.printf("| final loss (step %d) | %.5f | %.5f |%n", n, float32.loss(n - 1), mixed.loss(n - 1));
        System.out.printf("| mean loss of the last 10 steps | %.5f | %.5f |%n", meanLast(float32, 10), meanLast(mixed, 10));
        System.out.printf("| skipped (overflow) steps | %d | %d |%n", float32.skipped(), mixed.skipped());
        System.out.printf("| steps with a non-finite loss or gradient norm | %d | %d |%n", float32.nonFinite(),
                mixed.nonFinite());
        System.out.printf("| time per step (steps 2-%d) | %.3f s | %.3f s |%n", n, float32.secondsPerStep(),
                mixed.secondsPerStep());
        System.out.printf("largest relative loss difference: %.3f%% at step %d (float32 %.5f, float16 %.5f)%n",
                100 * maxRelative, maxAt, float32.loss(maxAt - 1), mixed.loss(maxAt - 1));
        System.out.printf("largest absolute loss difference: %.5f at step %d (float32 %.5f, float16 %.5f)%n",
                maxAbsolute, maxAbsoluteAt, float32.loss(maxAbsoluteAt - 1), mixed.loss(maxAbsoluteAt - 1));
        System.out.printf("float16 mixed is %.1fx the float32 step time%n", mixed.secondsPerStep() / float32.secondsPerStep());
    }

    private static double meanLast(Run run, int count) {
        int n = run.steps.size();
        return run.steps.subList(Math.max(0, n - count), n).stream().mapToDouble(TrainingListener.StepMetrics::loss).average()
                .orElseThrow();
    }

    /** @return {@code count} plain-text samples of 12 words drawn at random from 20 */
    private static List<TrainingSample> words(int count) {
        String[] vocabulary = {"the", "red", "square", "left", "of", "a", "blue", "circle", "under", "three", "green",
            "stars", "chart", "value", "highest", "bar", "reads", "text", "small", "large"};
        SplittableRandom random = new SplittableRandom(5);
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                text.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
            }
            samples.add(new TrainingSample(Conversation.builder().assistant(text.toString()).build(),
                    TrainingSample.Kind.TEXT, "words:" + i));
        }
        return samples;
    }

    /** @return {@code count} 64x64 images of four coloured cells, captioned cell by cell */
    private static List<TrainingSample> captions(int count) {
        SplittableRandom random = new SplittableRandom(3);
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            StringBuilder caption = new StringBuilder();
            for (int cell = 0; cell < CELLS.length; cell++) {
                int c = random.nextInt(COLOURS.length);
                g.setColor(RGB[c]);
                g.fillRect(32 * (cell % 2), 32 * (cell / 2), 32, 32);
                caption.append(cell == 0 ? "" : ", ").append(CELLS[cell]).append(' ').append(COLOURS[c]);
            }
            g.dispose();
            samples.add(new TrainingSample(Conversation.builder().user(Prompt.builder().image(img).build())
                    .assistant(caption + ".").build(), TrainingSample.Kind.CAPTION, "cells:" + i));
        }
        return samples;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
