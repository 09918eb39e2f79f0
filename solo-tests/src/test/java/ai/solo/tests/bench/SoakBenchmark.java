package ai.solo.tests.bench;

import ai.djl.ndarray.NDManager;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.examples.bench.BenchConfigs;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.impl.model.DjlSoloModel;
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
 * <p>Each reading ({@link MemoryProbe}) splits the resident set into the Java heap's pages and
 * native memory, and adds the heap in use after a full GC, glibc's bytes in use and the
 * NDArrays alive under the model's manager (the trainer's optimizer moments and gradients are
 * in sub-managers of it): the RSS total alone grows while G1 first touches heap regions.
 * Run with {@code -Xms1g -XX:+AlwaysPreTouch} to take the heap's pages out of the picture.
 *
 * <p>{@code java -Xmx1g -cp ... ai.solo.tests.bench.SoakBenchmark [SHARED_DIR] [steps=200] [generations=2000]}
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    /** @return a stage of {@code steps} steps over 32 texts of 100-200 words, one 512-token row a step */
    static Stage stage(int steps) {
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
        return Stage.builder("soak").source(SampleSources.of("text", samples), 1.0).lossRule(LossRule.ALL_TEXT)
                .steps(steps).packLength(512).batch(1, 1).learningRate(1e-3, 1e-4, 10).build();
    }

    /** @return the soak's generation prompt number {@code i} */
    static Conversation question(int i) {
        return Conversation.of(Prompt.of("Question " + i + ": what is left of the circle?"));
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int generations = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        SoloConfig config = BenchConfigs.config("tiny");
        MemoryProbe.Snapshot[] at = new MemoryProbe.Snapshot[4];
        try (SoloTokenizer tokenizer = SoloTokenizer.load(shared.resolve("data/mistral-tokenizer"));
                SoloModel model = SoloModel.create(config, 1)) {
            model.attachTokenizer(tokenizer);
            NDManager manager = ((DjlSoloModel) model).weights().manager();
            Stage stage = stage(steps);
            Path out = Files.createTempDirectory("solo-soak");
            long start = System.nanoTime();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            // a full reading collects garbage, which would hide the heap's growth:
                            // only at step 10 and the last (the optimizer's arrays still alive), the
                            // resident set alone elsewhere
                            if (m.step() == 10 || m.step() == steps) {
                                MemoryProbe.Snapshot now = MemoryProbe.take(manager);
                                at[m.step() == 10 ? 0 : 1] = now;
                                System.out.printf("step %4d: loss %.3f, %s%n", m.step(), m.loss(), now);
                            } else if (m.step() % 50 == 0 || m.step() == 1) {
                                System.out.printf("step %4d: loss %.3f, %s%n", m.step(), m.loss(),
                                        MemoryProbe.resident());
                            }
                        }
                    }).build()) {
                trainer.run();
            }
            System.out.printf("training: %d steps in %.0f s; trainer closed: %s%n", steps,
                    (System.nanoTime() - start) / 1e9, MemoryProbe.resident());
            print("  step 10   ", at[0]);
            print("  step " + steps, at[1]);
            print("  change    ", at[0], at[1]);

            Generator generator = Generator.create(model);
            GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(8).build();
            start = System.nanoTime();
            for (int i = 1; i <= generations; i++) {
                generator.generate(question(i), greedy);
                if (i == 100) {
                    at[2] = MemoryProbe.take(manager);
                    System.out.printf("generation %5d: %s%n", i, at[2]);
                } else if (i == 1 || i % 500 == 0) {
                    System.out.printf("generation %5d: %s%n", i, MemoryProbe.resident());
                }
            }
            at[3] = MemoryProbe.take(manager);
            System.out.printf("generation: %d in %.0f s%n", generations, (System.nanoTime() - start) / 1e9);
            print("  after 100 ", at[2]);
            print("  after " + generations, at[3]);
            print("  change    ", at[2], at[3]);
        }
    }

    private static void print(String label, MemoryProbe.Snapshot s) {
        if (s != null) {
            System.out.printf("%s: %s%n", label, s);
        }
    }

    private static void print(String label, MemoryProbe.Snapshot from, MemoryProbe.Snapshot to) {
        if (from != null && to != null) {
            MemoryProbe.Resident a = from.resident();
            MemoryProbe.Resident b = to.resident();
            System.out.printf("%s: RSS %+.1f MiB (Java heap pages %+.1f, native %+.1f); heap used after GC %+.1f MiB, "
                    + "malloc in use %+.1f MiB, live NDArrays %+d%n", label, MemoryProbe.mib(b.rss() - a.rss()),
                    MemoryProbe.mib(b.heapRss() - a.heapRss()), MemoryProbe.mib(b.nativeRss() - a.nativeRss()),
                    MemoryProbe.mib(to.heapUsed() - from.heapUsed()),
                    MemoryProbe.mib(to.mallocInUse() - from.mallocInUse()), to.ndArrays() - from.ndArrays());
        }
    }
}
