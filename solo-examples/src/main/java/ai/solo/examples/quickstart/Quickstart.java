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

    private Quickstart() {
    }

    /** Model size and step budget. */
    public enum Scale {
        /** Seconds: a CI smoke run that checks the pipeline, not the quality. */
        TINY(32, 1, 2, 0.05),
        /** The default: a model that learns the tasks in about ten minutes on two cores. */
        SMALL(128, 4, 4, 3.0);

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
     * @param minutes training budget
     * @param scale model size
     * @param skipStage1 leave Stage 1 out (the paper's central ablation)
     * @param seed seed of data, weights and sampling
     * @param evalPerCategory held-out questions per category
     */
    public record Options(Path out, double minutes, Scale scale, boolean skipStage1, long seed, int evalPerCategory) {
    }

    /**
     * What the run achieved.
     *
     * @param accuracy per category: {@code [correct, asked]}
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
     * Trains and evaluates.
     *
     * @param options what to run
     * @param progress where progress and the report go
     * @return the report
     */
    public static Report run(Options options, PrintStream progress) {
        Path tokenizerDir = extractTokenizer(options.out().resolve("tokenizer"));
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
            print(report, progress);
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
        int total = Math.max(4, (int) (o.minutes() * 60 * o.scale().stepsPerSecond));
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

    private static Report evaluate(SoloModel model, Options o, Path checkpoint, double seconds) {
        Generator generator = Generator.create(model);
        GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(8).build();
        Map<String, int[]> accuracy = new LinkedHashMap<>();
        EvalItem.CATEGORIES.forEach(c -> accuracy.put(c, new int[2]));
        List<String> samples = new ArrayList<>();
        List<EvalItem> items = SyntheticData.evaluationSet(o.seed() + 100, o.evalPerCategory());
        List<Prompt> prompts = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (EvalItem item : items) {
            GenerationResult r = generator.generate(item.prompt(), greedy);
            int[] a = accuracy.get(item.category());
            a[1]++;
            if (item.matches(r.text())) {
                a[0]++;
            }
            if (samples.size() < 10 && samples.stream().noneMatch(s -> s.startsWith("[" + item.category()))) {
                samples.add("[" + item.category() + "] " + item.question() + " -> " + r.text().strip()
                        + " (expected " + item.answer() + ")");
                prompts.add(item.prompt());
                answers.add(item.question() + " " + r.text().strip());
            }
        }
        AnswerSheet.write(prompts, answers, o.out().resolve("answers.png"));
        return new Report(accuracy, samples, checkpoint, seconds);
    }

    private static void print(Report r, PrintStream out) {
        out.println();
        out.printf("held-out accuracy after %.0f s of training:%n", r.trainingSeconds());
        r.accuracy().forEach((category, a) -> out.printf("  %-14s %5.1f%%  (%d/%d)%n", category,
                100.0 * a[0] / Math.max(1, a[1]), a[0], a[1]));
        out.println("sample answers:");
        r.samples().forEach(s -> out.println("  " + s));
    }

    private static Path extractTokenizer(Path dir) {
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
