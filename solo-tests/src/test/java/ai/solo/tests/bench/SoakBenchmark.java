package ai.solo.tests.bench;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.examples.bench.BenchConfigs;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soak of the reliability issue: 200 training steps, then 2,000 generations, on one model in
 * one JVM, printing the resident set along the way. Native memory must stay flat once warm.
 *
 * <p>{@code java -Xmx1g -cp ... ai.solo.tests.bench.SoakBenchmark [SHARED_DIR] [steps=200] [generations=2000]}
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int generations = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        SoloConfig config = BenchConfigs.config("tiny");
        String[] words = {"the", "red", "square", "left", "of", "a", "blue", "circle", "under", "three"};
        SplittableRandom random = new SplittableRandom(1);
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 100 + random.nextInt(100); w++) {
                text.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            samples.add(new TrainingSample(Conversation.builder().user(Prompt.of("Say something."))
                    .assistant(text.toString()).build(), TrainingSample.Kind.TEXT, "soak:" + i));
        }
        long[] rss = new long[4];
        try (SoloTokenizer tokenizer = SoloTokenizer.load(shared.resolve("data/mistral-tokenizer"));
                SoloModel model = SoloModel.create(config, 1)) {
            model.attachTokenizer(tokenizer);
            Stage stage = Stage.builder("soak").source(SampleSources.of("text", samples), 1.0)
                    .lossRule(LossRule.ALL_TEXT).steps(steps).packLength(512).batch(1, 1)
                    .learningRate(1e-3, 1e-4, 10).build();
            Path out = Files.createTempDirectory("solo-soak");
            long start = System.nanoTime();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (m.step() == 10) {
                                rss[0] = CheckpointLoadBenchmark.rss();
                            }
                            if (m.step() % 50 == 0 || m.step() == 1 || m.step() == 10) {
                                System.out.printf("step %4d: loss %.3f, RSS %.1f MiB%n", m.step(), m.loss(),
                                        CheckpointLoadBenchmark.rss() / 1048576.0);
                            }
                        }
                    }).build()) {
                trainer.run();
            }
            rss[1] = CheckpointLoadBenchmark.rss();
            System.out.printf("training: %d steps in %.0f s; RSS at step 10 %.1f MiB, after step %d %.1f MiB (%+.1f)%n",
                    steps, (System.nanoTime() - start) / 1e9, rss[0] / 1048576.0, steps, rss[1] / 1048576.0,
                    (rss[1] - rss[0]) / 1048576.0);

            Generator generator = Generator.create(model);
            GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(8).build();
            start = System.nanoTime();
            for (int i = 1; i <= generations; i++) {
                generator.generate(Conversation.of(Prompt.of("Question " + i + ": what is left of the circle?")),
                        greedy);
                if (i == 100) {
                    rss[2] = CheckpointLoadBenchmark.rss();
                }
                if (i == 1 || i % 500 == 0) {
                    System.out.printf("generation %5d: RSS %.1f MiB%n", i, CheckpointLoadBenchmark.rss() / 1048576.0);
                }
            }
            rss[3] = CheckpointLoadBenchmark.rss();
            System.out.printf("generation: %d in %.0f s; RSS after 100 %.1f MiB, after %d %.1f MiB (%+.1f)%n",
                    generations, (System.nanoTime() - start) / 1e9, rss[2] / 1048576.0, generations,
                    rss[3] / 1048576.0, (rss[3] - rss[2]) / 1048576.0);
        }
    }
}
