package ai.solo.tests.bench;

import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.examples.bench.BenchTexts;
import ai.solo.SoloModel;
import ai.solo.tests.ChildJvm;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Peak memory and step time of one training step of the small config (hidden 512, 8 layers,
 * 8 heads, 2 kv heads, MLP 1408, vocab 33031) on one packed row of 1,024 to 16,384 tokens made
 * of text examples of a fixed length (512 tokens: {@code <s>}, 510 text tokens, {@code </s>}),
 * float32 on the CPU, in three modes:
 *
 * <ul>
 *   <li>{@code blocked}: query-block attention, the default block of 512 queries;</li>
 *   <li>{@code checkpointed}: the same with activation checkpointing;</li>
 *   <li>{@code plain}: one block as long as the row, i.e. one {@code T x T} masked score matrix
 *       per head and layer (the behaviour before query blocks).</li>
 * </ul>
 *
 * <p>Each (mode, length) runs in its own child JVM ({@code -Xmx2g}), so the peak resident set
 * ({@code VmHWM}, read at the last training step) belongs to that configuration alone. Three
 * steps up to 4,096 tokens, two from 8,192; step time and process CPU time are the mean of the
 * steps after the first (which also allocates the optimizer's moments). The parent prints a
 * markdown table, the memory added per 1,000 tokens between lengths (constant when growth is
 * linear) and what checkpointing saves and costs. Before each launch the peak is extrapolated
 * from the runs so far; a configuration estimated over 20 GiB (or over the machine's available
 * memory less 2 GiB) is skipped, with the estimate printed.
 *
 * <p>{@code java -cp ... ai.solo.tests.bench.AttentionMemoryBenchmark SHARED_DIR [lengths=1024,2048,3072,4096,8192,16384]}
 */
public final class AttentionMemoryBenchmark {
    private static final int EXAMPLE_TOKENS = 512;
    private static final int LAYERS = 8;
    private static final int HEADS = 8;
    private static final int BLOCK = ModelOptions.DEFAULT_ATTENTION_BLOCK;
    /** A configuration runs only where its estimated peak stays under this... */
    private static final double LIMIT_GIB = 20;
    /** ...and under the machine's available memory less this. */
    private static final double MARGIN_GIB = 2;
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final String RESULT = "RESULT ";

    private AttentionMemoryBenchmark() {
    }

    /** One child's measurement: peak RSS at the last step, and the steady-state step. */
    private record Result(String mode, int tokens, long peakRss, long stepNanos, long cpuNanos, long stepTokens) {
        double gib() {
            return peakRss / GIB;
        }

        double seconds() {
            return stepNanos / 1e9;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            return;
        }
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared").toAbsolutePath();
        int[] lengths = Stream.of((args.length > 1 ? args[1] : "1024,2048,3072,4096,8192,16384").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Map<String, Result> results = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int tokens : lengths) {
            int steps = tokens >= 8192 ? 2 : 3;
            for (String mode : List.of("blocked", "checkpointed", "plain")) {
                // estimate first: a configuration that does not fit would take the machine down with it
                double estimate = estimateGib(mode, tokens, results);
                double limit = Math.min(LIMIT_GIB, meminfo("MemAvailable:") / GIB - MARGIN_GIB);
                if (estimate > limit) {
                    skipped.add(String.format("%s at %,d tokens: estimated peak %.1f GiB, over the limit of %.1f GiB "
                            + "(%.0f GiB, or what the machine has available less %.0f)", mode, tokens, estimate, limit,
                            LIMIT_GIB, MARGIN_GIB));
                    System.out.println("skipped: " + skipped.get(skipped.size() - 1));
                } else {
                    System.out.printf("%s at %,d tokens: estimated peak %s%n", mode, tokens,
                            Double.isNaN(estimate) ? "unknown yet" : String.format("%.1f GiB", estimate));
                    Result r = launch(mode, tokens, steps, shared, failed);
                    if (r != null) {
                        results.put(mode + tokens, r);
                    }
                }
            }
        }
        report(results, skipped, failed);
    }

    /**
     * Peak RSS extrapolated from the runs so far: linear in the tokens for blocked attention
     * (from the last two lengths); for plain attention, blocked plus its larger score arrays,
     * {@code heads x T x T} floats each where blocks of 512 queries over 512-token examples have
     * {@code heads x T x 512}. How many score-sized arrays a layer keeps is measured from the
     * largest plain run so far; before any, four (scores, scaled, masked, softmax), an upper bound.
     *
     * @return the estimate in GiB, NaN when there is nothing to extrapolate from
     */
    private static double estimateGib(String mode, int tokens, Map<String, Result> results) {
        List<Result> same = results.values().stream().filter(r -> r.mode().equals(mode))
                .sorted(Comparator.comparingInt(Result::tokens)).toList();
        if (mode.equals("plain")) {
            double kept = 4;
            for (Result plain : same) { // the largest length with both modes measured counts
                Result blocked = results.get("blocked" + plain.tokens());
                if (blocked != null && plain.tokens() > BLOCK) {
                    kept = (plain.gib() - blocked.gib()) / scoreExcessGib(plain.tokens());
                }
            }
            Result blocked = results.get("blocked" + tokens);
            double blockedGib = blocked != null ? blocked.gib() : estimateGib("blocked", tokens, results);
            return blockedGib + kept * scoreExcessGib(tokens);
        }
        if (same.size() < 2) {
            return Double.NaN;
        }
        Result a = same.get(same.size() - 2);
        Result b = same.get(same.size() - 1);
        return b.gib() + (b.gib() - a.gib()) / (b.tokens() - a.tokens()) * (tokens - b.tokens());
    }

    /** @return GiB of one float32 score array per layer, plain minus blocked attention */
    private static double scoreExcessGib(int tokens) {
        return 4.0 * LAYERS * HEADS * tokens * Math.max(0, tokens - BLOCK) / GIB;
    }

    private static void report(Map<String, Result> results, List<String> skipped, List<String> failed) {
        System.out.println();
        System.out.println("| packed tokens | mode | peak RSS (GiB) | step time (s) | tokens/s | CPU time per step (s) |");
        System.out.println("|---|---|---|---|---|---|");
        results.values().stream().sorted(Comparator.comparing(Result::mode).thenComparingInt(Result::tokens))
                .forEach(r -> System.out.printf("| %,d | %s | %.2f | %.1f | %.0f | %.1f |%n", r.tokens(), r.mode(),
                        r.gib(), r.seconds(), r.stepTokens() / r.seconds(), r.cpuNanos() / 1e9));
        skipped.forEach(s -> System.out.println("skipped: " + s));
        failed.forEach(s -> System.out.println("failed: " + s));

        System.out.println();
        System.out.println("Memory added per 1,000 packed tokens (constant = linear growth):");
        System.out.println();
        System.out.println("| mode | interval | added RSS (GiB) | GiB per 1,000 tokens |");
        System.out.println("|---|---|---|---|");
        for (String mode : List.of("blocked", "checkpointed", "plain")) {
            List<Result> rows = results.values().stream().filter(r -> r.mode().equals(mode))
                    .sorted(Comparator.comparingInt(Result::tokens)).toList();
            for (int i = 1; i < rows.size(); i++) {
                printGrowth(mode, rows.get(i - 1), rows.get(i));
            }
            if (rows.size() > 2) {
                Result first = rows.get(0);
                Result last = rows.get(rows.size() - 1);
                printGrowth(mode, first, last);
                System.out.printf("| %s | tokens x%.0f | peak RSS x%.2f | |%n", mode,
                        (double) last.tokens() / first.tokens(), last.gib() / first.gib());
            }
        }

        System.out.println();
        System.out.println("Activation checkpointing against blocked attention without it:");
        System.out.println();
        System.out.println("| packed tokens | peak RSS saved (GiB) | saved (%) | step time cost (%) | CPU time cost (%) |");
        System.out.println("|---|---|---|---|---|");
        results.values().stream().filter(r -> r.mode().equals("checkpointed")).forEach(c -> {
            Result b = results.get("blocked" + c.tokens());
            System.out.printf("| %,d | %.2f | %.0f | %+.0f | %+.0f |%n", c.tokens(), b.gib() - c.gib(),
                    100 * (b.gib() - c.gib()) / b.gib(), 100.0 * (c.stepNanos() - b.stepNanos()) / b.stepNanos(),
                    100.0 * (c.cpuNanos() - b.cpuNanos()) / b.cpuNanos());
        });
    }

    private static void printGrowth(String mode, Result from, Result to) {
        double added = to.gib() - from.gib();
        System.out.printf("| %s | %,d -> %,d | %.2f | %.3f |%n", mode, from.tokens(), to.tokens(), added,
                added * 1000 / (to.tokens() - from.tokens()));
    }

    /**
     * Runs one configuration in a fresh JVM and reads its result line; the child's output is echoed.
     *
     * @return the result, or null (and a line in {@code failed}) if the child failed
     */
    private static Result launch(String mode, int tokens, int steps, Path shared, List<String> failed)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-Xmx2g"), AttentionMemoryBenchmark.class, "--child",
                mode, Integer.toString(tokens), Integer.toString(steps), shared.toString()))
                .redirectErrorStream(true).start();
        Result result = null;
        String error = "no result line";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("  [" + mode + " " + tokens + "] " + line);
                if (line.startsWith("Exception")) {
                    error = line;
                }
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).split(" ");
                    result = new Result(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                            Long.parseLong(f[4]), Long.parseLong(f[5]));
                }
            }
        }
        int exit = p.waitFor();
        if (exit != 0 || result == null) {
            failed.add(String.format("%s at %,d tokens: child exited with %d: %s", mode, tokens, exit, error));
            return null;
        }
        return result;
    }

    /** One configuration: trains {@code steps} steps and prints the result line. */
    private static void child(String mode, int tokens, int steps, Path shared) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(512).intermediateSize(1408)
                .numHiddenLayers(LAYERS).numAttentionHeads(HEADS).numKeyValueHeads(2).build();
        ModelOptions options = mode.equals("plain") ? ModelOptions.defaults().withAttentionBlock(tokens)
                : ModelOptions.defaults();
        long[] peak = {0};
        List<Long> cpuAtStep = new ArrayList<>();
        List<TrainingListener.StepMetrics> measured = new ArrayList<>();
        Path out = Files.createTempDirectory("solo-attention-bench");
        try (SoloTokenizer tokenizer = SoloTokenizer.load(shared.resolve("data/mistral-tokenizer"));
                SoloModel model = SoloModel.create(config, 1, options)) {
            model.attachTokenizer(tokenizer);
            Stage stage = Stage.builder("bench").source(SampleSources.of("text", BenchTexts.samples(tokenizer, 16)), 1.0)
                    .lossRule(LossRule.ALL_TEXT).steps(steps).packLength(tokens).batch(1, 1)
                    .learningRate(1e-4, 1e-5, 1).build();
            System.out.printf("%s, %,d tokens per row (%d examples of %d), %d steps; RSS after model creation %.2f GiB%n",
                    mode, tokens, tokens / EXAMPLE_TOKENS, EXAMPLE_TOKENS, steps, status("VmRSS:") / GIB);
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out)
                    .activationCheckpointing(mode.equals("checkpointed")).listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            peak[0] = status("VmHWM:");
                            cpuAtStep.add(cpuNanos());
                            measured.add(m);
                            System.out.printf("step %d: loss %.3f, %,d tokens (%,d targets) in %.1f s, peak RSS %.2f GiB%n",
                                    m.step(), m.loss(), m.tokens(), m.targetTokens(), m.stepNanos() / 1e9, peak[0] / GIB);
                        }
                    }).build()) {
                trainer.run();
            }
        } finally {
            deleteTree(out);
        }
        // steady state: every step after the first (which also allocates optimizer state)
        List<TrainingListener.StepMetrics> steady = measured.subList(1, measured.size());
        long nanos = (long) steady.stream().mapToLong(TrainingListener.StepMetrics::stepNanos).average().orElseThrow();
        long cpu = (cpuAtStep.get(steps - 1) - cpuAtStep.get(0)) / (steps - 1);
        long stepTokens = steady.get(0).tokens();
        if (stepTokens != tokens) {
            throw new IllegalStateException("rows are not full: " + stepTokens + " of " + tokens + " tokens");
        }
        System.out.printf("peak RSS at the end of the process %.2f GiB%n", status("VmHWM:") / GIB);
        System.out.println(RESULT + mode + " " + tokens + " " + peak[0] + " " + nanos + " " + cpu + " " + stepTokens);
    }

    /** @return a {@code /proc/meminfo} field in bytes */
    private static long meminfo(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/meminfo");
    }

    /** @return a {@code /proc/self/status} field in bytes ({@code VmHWM:} is the peak resident set) */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    /** @return CPU time of the whole process, engine threads included */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
