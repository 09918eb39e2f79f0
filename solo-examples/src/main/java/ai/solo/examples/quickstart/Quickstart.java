package ai.solo.examples.quickstart;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SOLO's whole recipe in miniature, on built-in synthetic data and the SDK's own tokenizer, with
 * no download: Stage 1 (colour+shape labels blended with text), Stage 2 (captions of scenes,
 * text and charts), Stage 3 (a short annealing on the supervised mix), then instruction
 * fine-tuning; then an evaluation on held-out images it never saw.
 *
 * <p>Everything goes through the public API, so this class doubles as a tutorial of it.
 */
public final class Quickstart {
    private static final String RESOURCES = "/ai/solo/examples/quickstart/";
    /** Report row: the {@link EvalItem#READING} questions whose answer is a word (the target). */
    public static final String READING_WORDS = "reading words";
    /** Report row: the {@link EvalItem#READING} questions whose answer is a number. */
    public static final String READING_NUMBERS = "reading numbers";

    private Quickstart() {
    }

    /** Model size and step budget. */
    public enum Scale {
        /**
         * A smoke run: two layers instead of four. With a budget of seconds it checks the pipeline;
         * with 2.5 minutes (540 steps) it counts shapes and names most of them.
         */
        TINY(128, 2, 4, 6.0),
        /**
         * The default: a 1.5M-parameter model that learns the tasks in under ten minutes on two
         * cores (3.6-4.4 steps/s measured on a shared machine; the budget plans with 3.5).
         */
        SMALL(128, 4, 4, 3.5);

        final int hidden;
        final int layers;
        final int heads;
        final double stepsPerSecond;

        Scale(int hidden, int layers, int heads, double stepsPerSecond) {
            this.hidden = hidden;
            this.layers = layers;
            this.heads = heads;
            this.stepsPerSecond = stepsPerSecond;
        }
    }

    /**
     * What to run.
     *
     * @param out folder for checkpoints, metrics, loss curves and the answers picture
     * @param minutes budget of one run, evaluation included (about 40 s of it, 60 s planned); training steps are
     *     planned from it at the scale's measured speed
     * @param scale model size
     * @param skipStage1 leave Stage 1 out (the paper's central ablation)
     * @param seed seed of data, weights and sampling
     * @param evalPerCategory held-out questions per category
     */
    public record Options(Path out, double minutes, Scale scale, boolean skipStage1, long seed, int evalPerCategory) {

        /**
         * @param otherOut the output folder of the variant
         * @param otherSkipStage1 whether the variant leaves Stage 1 out
         * @return these options with another folder and Stage-1 choice
         */
        public Options with(Path otherOut, boolean otherSkipStage1) {
            return new Options(otherOut, minutes, scale, otherSkipStage1, seed, evalPerCategory);
        }
    }

    /**
     * What the run achieved.
     *
     * @param accuracy per category of {@link EvalItem#CATEGORIES}, then {@link #READING_WORDS} and
     *     {@link #READING_NUMBERS}: {@code [correct, asked]}
     * @param samples a few held-out questions with the model's answers
     * @param checkpoint the final checkpoint (Hugging Face layout)
     * @param trainingSeconds wall time of training
     */
    public record Report(Map<String, int[]> accuracy, List<String> samples, Path checkpoint, double trainingSeconds) {

        /**
         * @param category an {@link EvalItem} category
         * @return fraction answered exactly right
         */
        public double accuracy(String category) {
            int[] a = accuracy.get(category);
            return a == null || a[1] == 0 ? 0 : (double) a[0] / a[1];
        }
    }

    /**
     * Trains and evaluates. With {@link Options#skipStage1()} it runs the paper's ablation: the
     * recipe without Stage 1 in {@code out/without-stage1}, next to the full recipe in {@code out}
     * (reused when {@code out} already holds a finished run with the same options), and prints
     * both tables side by side.
     *
     * @param options what to run
     * @param progress where progress and the report go
     * @return the report of the run asked for (without Stage 1 for the ablation)
     */
    public static Report run(Options options, PrintStream progress) {
        if (!options.skipStage1()) {
            Report report = trainAndEvaluate(options, progress);
            print(report, progress);
            return report;
        }
        Options full = options.with(options.out(), false);
        Report withStage1 = ReportFile.read(options.out(), full).map(r -> {
            progress.println("full recipe: reusing the finished run in " + options.out());
            return r;
        }).orElseGet(() -> trainAndEvaluate(full, progress));
        Options ablation = options.with(options.out().resolve("without-stage1"), true);
        Report withoutStage1 = trainAndEvaluate(ablation, progress);
        printSideBySide(withStage1, withoutStage1, progress);
        return withoutStage1;
    }

    private static Report trainAndEvaluate(Options options, PrintStream progress) {
        Path tokenizerDir = writeTokenizer(options.out().resolve("tokenizer"));
        try (SoloTokenizer tokenizer = SoloTokenizer.load(tokenizerDir);
                SoloModel model = SoloModel.create(config(options.scale(), tokenizer.vocabSize()), options.seed())) {
            model.attachTokenizer(tokenizer);
            Recipe recipe = recipe(options);
            long start = System.nanoTime();
            Path checkpoint;
            try (Trainer trainer = Trainer.builder(model, recipe).outputDir(options.out()).seed(options.seed())
                    .progress(progress).build()) {
                checkpoint = trainer.run().checkpoint();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Report report = evaluate(model, options, checkpoint, seconds);
            ReportFile.write(options.out(), options, report);
            return report;
        }
    }

    /**
     * @param scale model size
     * @param vocab tokenizer size, SOLO's appended tokens included
     * @return the quickstart's model shape
     */
    static SoloConfig config(Scale scale, int vocab) {
        return SoloConfig.builder().vocabSize(vocab).hiddenSize(scale.hidden).intermediateSize(scale.hidden * 11 / 4)
                .numHiddenLayers(scale.layers).numAttentionHeads(scale.heads).numKeyValueHeads(Math.max(1, scale.heads / 2))
                .maxPositionEmbeddings(1024).build();
    }

    /** The four stages, their steps shared out of the time budget as the paper weights them. */
    static Recipe recipe(Options o) {
        // the JVM start, the evaluation and per-stage checkpoints take about 40 s of the budget;
        // 20 s more keeps a shared or slower machine inside it
        double trainingSeconds = Math.max(o.minutes() * 60 / 2, o.minutes() * 60 - 60);
        int total = Math.max(4, (int) (trainingSeconds * o.scale().stepsPerSecond));
        long seed = o.seed();
        List<Stage> stages = new ArrayList<>();
        if (!o.skipStage1()) {
            stages.add(stage("stage1", Math.max(1, total * 30 / 100), 3e-3)
                    .source(SyntheticData.stage1(seed, 1_000_000), 0.7).source(SyntheticData.text(seed, 1_000_000), 0.3)
                    .lossRule(LossRule.ANSWERS_ONLY).build());
        }
        stages.add(stage("stage2", Math.max(1, total * 25 / 100), 3e-3)
                .source(SyntheticData.stage2(seed + 1, 1_000_000), 0.7).source(SyntheticData.text(seed + 1, 1_000_000), 0.3)
                .lossRule(LossRule.ALL_TEXT).build());
        stages.add(stage("stage3", Math.max(1, total * 10 / 100), 1e-3)
                .source(SyntheticData.sft(seed + 2, 1_000_000), 1.0).lossRule(LossRule.ANSWERS_ONLY).build());
        stages.add(stage("sft", Math.max(1, total * 35 / 100), 1e-3)
                .source(SyntheticData.sft(seed + 3, 1_000_000), 1.0).lossRule(LossRule.ANSWERS_ONLY).build());
        return new Recipe(o.skipStage1() ? "quickstart-no-stage1" : "quickstart", stages);
    }

    private static Stage.Builder stage(String name, int steps, double lr) {
        // a rare non-finite step must not end a tutorial run: skip it and go on (it is logged)
        return Stage.builder(name).steps(steps).packLength(512).batch(4, 4)
                .learningRate(lr, lr / 10, Math.min(20, steps / 10)).weightDecay(0.01, false)
                .nonFiniteLoss(Stage.NonFiniteLoss.SKIP_STEP);
    }

    /**
     * @param o what is run
     * @return the held-out questions the run is evaluated on
     */
    public static List<EvalItem> evaluationSet(Options o) {
        return SyntheticData.evaluationSet(o.seed() + 100, o.evalPerCategory());
    }

    private static Report evaluate(SoloModel model, Options o, Path checkpoint, double seconds) {
        Generator generator = Generator.create(model);
        GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(8).build();
        Map<String, int[]> accuracy = new LinkedHashMap<>();
        EvalItem.CATEGORIES.forEach(c -> accuracy.put(c, new int[2]));
        // the target is about reading words; numbers (any digits) are reported apart
        accuracy.put(READING_WORDS, new int[2]);
        accuracy.put(READING_NUMBERS, new int[2]);
        List<String> samples = new ArrayList<>();
        List<EvalItem> items = evaluationSet(o);
        List<AnswerSheet.Cell> sheet = new ArrayList<>();
        for (EvalItem item : items) {
            GenerationResult r = generator.generate(item.prompt(), greedy);
            boolean right = item.matches(r.text());
            count(accuracy.get(item.category()), right);
            if (item.category().equals(EvalItem.READING)) {
                count(accuracy.get(item.answer().matches("[0-9]+") ? READING_NUMBERS : READING_WORDS), right);
            }
            if (samples.size() < 10 && samples.stream().noneMatch(s -> s.startsWith("[" + item.category()))) {
                samples.add("[" + item.category() + "] " + item.question() + " -> " + r.text().strip()
                        + " (expected " + item.answer() + ")");
            }
            // the picture shows the first two items of every category, right or wrong
            if (sheet.stream().filter(c -> c.category().equals(item.category())).count() < 2) {
                sheet.add(new AnswerSheet.Cell(item, r.text().strip(), right));
            }
        }
        AnswerSheet.write(sheet, o.out().resolve("answers.png"));
        return new Report(accuracy, samples, checkpoint, seconds);
    }

    private static void count(int[] a, boolean right) {
        a[1]++;
        if (right) {
            a[0]++;
        }
    }

    private static void print(Report r, PrintStream out) {
        out.println();
        out.printf("held-out accuracy after %.0f s of training:%n", r.trainingSeconds());
        r.accuracy().forEach((category, a) -> out.printf("  %-16s %5.1f%%  (%d/%d)%n", category,
                100.0 * a[0] / Math.max(1, a[1]), a[0], a[1]));
        out.println("sample answers:");
        r.samples().forEach(s -> out.println("  " + s));
    }

    private static void printSideBySide(Report with, Report without, PrintStream out) {
        out.println();
        out.println("held-out accuracy, the recipe with and without Stage 1 (SPEC §4):");
        out.printf("  %-16s %17s %17s%n", "", "with Stage 1", "without Stage 1");
        for (String category : with.accuracy().keySet()) {
            out.printf("  %-16s %17s %17s%n", category, cell(with, category), cell(without, category));
        }
        out.printf("  %-16s %16.0fs %16.0fs%n", "training", with.trainingSeconds(), without.trainingSeconds());
    }

    private static String cell(Report r, String category) {
        int[] a = r.accuracy().getOrDefault(category, new int[2]);
        return String.format(java.util.Locale.ROOT, "%5.1f%% (%d/%d)", 100.0 * a[0] / Math.max(1, a[1]), a[0], a[1]);
    }

    /**
     * Writes the quickstart's own tokenizer, which needs no download: a 345-piece BPE that spells
     * any text the synthetic data draws (made by {@code solo-examples/tools/make_quickstart_tokenizer.py});
     * SOLO's vision tokens are appended when it is loaded.
     *
     * @param dir folder to write {@code tokenizer.json} and {@code tokenizer_config.json} into,
     *     created if missing
     * @return {@code dir}, ready for {@link SoloTokenizer#load}
     */
    public static Path writeTokenizer(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = Quickstart.class.getResourceAsStream(RESOURCES + name)) {
                    if (in == null) {
                        throw new IllegalStateException("missing resource " + RESOURCES + name);
                    }
                    Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the quickstart tokenizer to " + dir, e);
        }
    }
}
