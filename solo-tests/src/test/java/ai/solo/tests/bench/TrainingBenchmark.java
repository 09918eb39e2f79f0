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
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training throughput and peak memory for the small config (hidden 512, 8 layers, 8 heads,
 * 2 kv heads, MLP 1408, vocab 33031) at 2,048 packed tokens per step, float32 on the CPU.
 * Samples: 256x256 images (64 patches) with ~150-word captions, all text tokens trained.
 *
 * <p>{@code java -cp ... ai.solo.tests.bench.TrainingBenchmark [steps=8] [packLength=2048] SHARED_DIR}
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int pack = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        Path tokenizerDir = Path.of(args.length > 2 ? args[2] : "../shared").resolve("data/mistral-tokenizer");
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(512).intermediateSize(1408)
                .numHiddenLayers(8).numAttentionHeads(8).numKeyValueHeads(2).build();
        SplittableRandom random = new SplittableRandom(1);
        String[] words = {"the", "red", "square", "left", "of", "a", "blue", "circle", "under", "three", "green",
            "stars", "chart", "value", "highest", "bar", "reads", "text", "small", "large"};
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            StringBuilder caption = new StringBuilder();
            for (int w = 0; w < 150; w++) {
                caption.append(words[random.nextInt(words.length)]).append(' ');
            }
            BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
            img.setRGB(random.nextInt(256), random.nextInt(256), 0xFFFFFF);
            samples.add(new TrainingSample(Conversation.builder().user(Prompt.builder().image(img).build())
                    .assistant(caption.toString().trim()).build(), TrainingSample.Kind.CAPTION, "bench:" + i));
        }
        long[] peakRss = {0};
        List<double[]> measured = new ArrayList<>();
        try (SoloTokenizer tokenizer = SoloTokenizer.load(tokenizerDir); SoloModel model = SoloModel.create(config, 1)) {
            model.attachTokenizer(tokenizer);
            Stage stage = Stage.builder("bench").source(SampleSources.of("captions", samples), 1.0)
                    .lossRule(LossRule.ALL_TEXT).steps(steps).packLength(pack).batch(1, 1)
                    .learningRate(1e-4, 1e-5, 1).build();
            Path out = Files.createTempDirectory("solo-train-bench");
            System.out.printf("small config: %,d parameters; %d-token packed rows, %d steps%n", config.parameterCount(),
                    pack, steps);
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            long rss = CheckpointLoadBenchmark.rss();
                            peakRss[0] = Math.max(peakRss[0], rss);
                            System.out.printf("step %d: loss %.3f, %d tokens (%d targets) in %.0f ms = %.0f tokens/s, RSS %.0f MiB%n",
                                    m.step(), m.loss(), m.tokens(), m.targetTokens(), m.stepNanos() / 1e6,
                                    m.tokensPerSecond(), rss / 1048576.0);
                            if (m.step() > 2) {
                                measured.add(new double[] {m.tokens(), m.stepNanos()});
                            }
                        }
                    }).build()) {
                trainer.run();
            }
        }
        double tokens = measured.stream().mapToDouble(v -> v[0]).sum();
        double nanos = measured.stream().mapToDouble(v -> v[1]).sum();
        System.out.printf("training: %.0f tokens/s over steps 3-%d; peak RSS %.0f MiB; peak heap %.0f MiB%n",
                tokens * 1e9 / nanos, steps, peakRss[0] / 1048576.0,
                java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                        .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0);
    }
}
