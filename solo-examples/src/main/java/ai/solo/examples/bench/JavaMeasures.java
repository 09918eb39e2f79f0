package ai.solo.examples.bench;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.image.ImagePatcher;
import ai.solo.impl.engine.EngineProbe;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The SDK side of each measurement of {@code bench/PROTOCOL.md}, run in this JVM. Each returns
 * the protocol's metrics; the caller adds peak memory and prints the result line.
 */
final class JavaMeasures {
    private static final int GENERATE_NEW_TOKENS = 64;
    private static final int BATCH_NEW_TOKENS = 32;
    private static final int TIMED_RUNS = 3;

    private JavaMeasures() {
    }

    /** Float32 matmul GFLOP/s at n = 1024 and 2048 (best of 5 one-second windows) and one tiny op's cost. */
    static Map<String, Object> matmul() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gflops_1024", EngineProbe.matmulGflops(1024, 5));
        m.put("gflops_2048", EngineProbe.matmulGflops(2048, 5));
        m.put("add_us", EngineProbe.tinyOpMicros(100_000));
        return m;
    }

    /**
     * Trains {@code steps} steps on one packed row of {@code tokens} tokens of 512-token text
     * examples through the public {@link Trainer}; step 1 is a warm-up.
     */
    static Map<String, Object> train(String configName, int tokens, int steps, Path tokenizerDir) {
        if (steps < 2) {
            throw new IllegalArgumentException("train needs at least 2 steps (the first is a warm-up), got " + steps);
        }
        SoloConfig config = BenchConfigs.config(configName);
        List<TrainingListener.StepMetrics> measured = new ArrayList<>();
        Path out = null;
        try (SoloTokenizer tokenizer = SoloTokenizer.load(tokenizerDir); SoloModel model = SoloModel.create(config, 1)) {
            model.attachTokenizer(tokenizer);
            out = Files.createTempDirectory("solo-bench-train");
            Stage stage = Stage.builder("bench").source(SampleSources.of("text", BenchTexts.samples(tokenizer, 16)), 1.0)
                    .lossRule(LossRule.ALL_TEXT).steps(steps).packLength(tokens).batch(1, 1)
                    .learningRate(1e-4, 1e-4, 0).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics s) {
                            measured.add(s);
                            System.out.printf("step %d: loss %.4f, %,d tokens in %.2f s, RSS %.0f MiB%n", s.step(),
                                    s.loss(), s.tokens(), s.stepNanos() / 1e9, ProcessMemory.rssMib());
                        }
                    }).build()) {
                trainer.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(out);
        }
        List<TrainingListener.StepMetrics> timed = measured.subList(1, measured.size());
        long packed = timed.stream().mapToLong(TrainingListener.StepMetrics::tokens).sum();
        long nanos = timed.stream().mapToLong(TrainingListener.StepMetrics::stepNanos).sum();
        if (packed != (long) tokens * timed.size()) {
            throw new IllegalStateException("rows are not full: " + packed + " tokens in " + timed.size() + " steps");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens_per_s", packed * 1e9 / nanos);
        m.put("step_s", nanos / 1e9 / timed.size());
        m.put("loss_first", measured.get(0).loss());
        m.put("loss_last", measured.get(measured.size() - 1).loss());
        return m;
    }

    /**
     * Time to first token and decode speed for the 1024x1024 prompt: the clock starts with the
     * decoded image in memory, so patching is included.
     */
    static Map<String, Object> generate(Workdir work, String configName) {
        BufferedImage image = read(work.dir().resolve("image-1024.png"));
        ImagePatcher patcher = ImagePatcher.create();
        GenerationConfig config = greedy(GENERATE_NEW_TOKENS);
        double[] ttft = new double[TIMED_RUNS];
        double[] decode = new double[TIMED_RUNS];
        int[] first = null;
        int promptTokens = 0;
        try (SoloModel model = SoloModel.load(work.model(configName))) {
            Generator generator = Generator.create(model);
            for (int run = -1; run < TIMED_RUNS; run++) { // run -1 warms up
                long start = System.nanoTime();
                TokenSequence prompt = Workdir.generationPrompt(patcher.patchify(image));
                long patched = System.nanoTime() - start;
                if (run < 0) {
                    work.checkGenerationPrompt(prompt);
                    promptTokens = prompt.length();
                }
                GenerationResult r = generator.generate(prompt, config, null);
                if (r.generatedTokens() != GENERATE_NEW_TOKENS) {
                    throw new IllegalStateException("generated " + r.generatedTokens() + " tokens, not "
                            + GENERATE_NEW_TOKENS);
                }
                if (run >= 0) {
                    ttft[run] = (patched + r.timings().timeToFirstTokenNanos()) / 1e9;
                    decode[run] = r.timings().decodeTokensPerSecond(r.generatedTokens());
                    first = Arrays.copyOf(r.tokenIds(), 8);
                }
            }
        }
        double medianTtft = median(ttft);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ttft_s", medianTtft);
        m.put("prefill_tokens_per_s", promptTokens / medianTtft);
        m.put("decode_tokens_per_s", median(decode));
        m.put("prompt_tokens", promptTokens);
        m.put("first_ids", Arrays.stream(first).boxed().toList());
        return m;
    }

    /**
     * The 8 requests batched (left padding) against one after another. Each timed pass starts
     * from the decoded images, so patching is inside it, as on the Python side.
     */
    static Map<String, Object> batch(Workdir work, String configName) {
        List<BufferedImage> images = work.batchImages();
        ImagePatcher patcher = ImagePatcher.create();
        GenerationConfig config = greedy(BATCH_NEW_TOKENS);
        try (SoloModel model = SoloModel.load(work.model(configName))) {
            Generator generator = Generator.create(model);
            List<TokenSequence> warm = Workdir.batchPrompts(patcher, images);
            work.checkBatchPrompts(warm);
            generator.generateSequences(warm, config); // warm-up of both paths
            warm.forEach(p -> generator.generate(p, config, null));

            long start = System.nanoTime();
            List<GenerationResult> batched = generator.generateSequences(Workdir.batchPrompts(patcher, images), config);
            double batchedSeconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            List<GenerationResult> alone = Workdir.batchPrompts(patcher, images).stream()
                    .map(p -> generator.generate(p, config, null)).toList();
            double sequentialSeconds = (System.nanoTime() - start) / 1e9;

            boolean same = IntStream.range(0, images.size())
                    .allMatch(i -> Arrays.equals(batched.get(i).tokenIds(), alone.get(i).tokenIds()));
            double generated = (double) images.size() * BATCH_NEW_TOKENS;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batched_tokens_per_s", generated / batchedSeconds);
            m.put("sequential_tokens_per_s", generated / sequentialSeconds);
            m.put("speedup", sequentialSeconds / batchedSeconds);
            m.put("batched_equals_sequential", same);
            m.put("prompt_tokens", warm.stream().map(TokenSequence::length).toList());
            return m;
        }
    }

    /** Images/s of decode + RGB + resize + normalise + patch over the JPEGs, one thread. */
    static Map<String, Object> preprocess(Workdir work, double seconds) {
        List<Path> files = jpegs(work);
        ImagePatcher patcher = ImagePatcher.create();
        files.forEach(patcher::patchify); // warm-up pass
        long count = 0;
        long start = System.nanoTime();
        long budget = (long) (seconds * 1e9);
        while (System.nanoTime() - start < budget) {
            for (Path f : files) {
                patcher.patchify(f);
                count++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images_per_s", count * 1e9 / (System.nanoTime() - start));
        m.put("images", files.size());
        return m;
    }

    /**
     * Loads of the checkpoint into a ready model: once from disk (the file evicted from the page
     * cache first, before this process has mapped it: a mapped page cannot be evicted), then the
     * best of 3 from the page cache.
     */
    static Map<String, Object> load(Workdir work, String configName) {
        Path dir = work.model(configName);
        Path file = dir.resolve("model.safetensors");
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (PageCache.evict(file)) {
            long start = System.nanoTime();
            try (SoloModel model = SoloModel.load(dir)) {
                double s = (System.nanoTime() - start) / 1e9;
                m.put("cold_seconds", s);
                m.put("cold_gb_per_s", bytes / s / 1e9);
            }
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) { // the first makes sure the file is in the page cache
            long start = System.nanoTime();
            try (SoloModel model = SoloModel.load(dir)) {
                double s = (System.nanoTime() - start) / 1e9;
                best = i == 0 ? best : Math.min(best, s);
            }
        }
        m.put("seconds", best);
        m.put("gb_per_s", bytes / best / 1e9);
        m.put("bytes", bytes);
        return m;
    }

    private static GenerationConfig greedy(int newTokens) {
        Set<Integer> suppressed = IntStream.range(Workdir.FIRST_SUPPRESSED, 33031).boxed().collect(Collectors.toSet());
        return GenerationConfig.builder().maxNewTokens(newTokens).suppressTokenIds(suppressed).build();
    }

    static List<Path> jpegs(Workdir work) {
        try (Stream<Path> s = Files.list(work.dir().resolve("jpeg"))) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
            if (files.isEmpty()) {
                throw new IllegalStateException("no JPEGs in " + work.dir().resolve("jpeg"));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage read(Path file) {
        try {
            return ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
