package ai.solo.examples.cli;

import ai.solo.examples.bench.BenchConfigs;
import ai.solo.examples.bench.BenchReport;
import ai.solo.examples.bench.BenchResult;
import ai.solo.examples.bench.BenchSuite;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo bench}: the performance suite of {@code docs/PERFORMANCE.md}. Each measurement
 * runs in a child JVM and, given {@code --python}, in the PyTorch peer {@code bench/peer.py}
 * right after it; {@code results.jsonl}, {@code report.md} and {@code tokens-per-second.png}
 * land in {@code --out}. {@code bench/run} installs the peer's packages and calls this.
 *
 * <pre>
 * solo bench [--python /usr/bin/python3] [--configs small,medium] [--lengths 2048,4096]
 *     [--measures matmul,preprocess,load,generate,batch,train] [--out bench-results]
 * solo bench --report-only --out bench-results
 * </pre>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the performance suite: training tokens/s, time to first token, decode and batched "
                + "generation, preprocessing, checkpoint load and the matmul peak, each in its own process, against "
                + "the PyTorch peer bench/peer.py when --python is given.",
            "Writes results.jsonl, report.md (with Java/Python ratios and MFU) and tokens-per-second.png."})
final class BenchCommand implements Callable<Integer> {
    private static final List<String> MEASURES = List.of("matmul", "preprocess", "load", "generate", "batch", "train");

    @Option(names = "--out", defaultValue = "bench-results", paramLabel = "DIR",
            description = "Results, report and plot (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--workdir", paramLabel = "DIR",
            description = "Inputs both sides read: checkpoints, images, prompts (default: <out>/work).")
    Path workdir;

    @Option(names = "--configs", defaultValue = "small,medium", split = ",", paramLabel = "NAMES",
            description = "Model configs: tiny, small, medium (default: ${DEFAULT-VALUE}).")
    List<String> configs;

    @Option(names = "--lengths", split = ",", paramLabel = "TOKENS",
            description = "Packed tokens per training step, multiples of 512, for every config (default: 1024,2048,4096"
                    + " for small and tiny, 2048,4096 for medium, so the suite stays under 15 minutes).")
    List<Integer> lengths;

    /** The lengths for every config, and 1,024 too where it is cheap, for the plot. */
    private static final Map<String, List<Integer>> DEFAULT_LENGTHS = Map.of("tiny", List.of(512, 1024),
            "small", List.of(1024, 2048, 4096), "medium", List.of(2048, 4096));

    @Option(names = "--steps", defaultValue = "small=3,medium=2,tiny=2", split = ",", paramLabel = "CONFIG=N",
            description = "Training steps per run and config, the first a warm-up (default: ${DEFAULT-VALUE}).")
    Map<String, Integer> steps = new LinkedHashMap<>();

    @Option(names = "--measures", defaultValue = "matmul,preprocess,load,generate,batch,train", split = ",",
            paramLabel = "NAMES", description = "Which measurements (default: ${DEFAULT-VALUE}).")
    List<String> measures;

    @Option(names = "--load-config", defaultValue = "medium", paramLabel = "NAME",
            description = "The config whose checkpoint the load measurement reads (default: ${DEFAULT-VALUE}).")
    String loadConfig;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads on both sides (default: the number of cores).")
    Integer threads;

    @Option(names = "--preprocess-seconds", defaultValue = "3", paramLabel = "S",
            description = "Timed seconds of the preprocessing loop (default: ${DEFAULT-VALUE}).")
    double preprocessSeconds;

    @Option(names = "--python", paramLabel = "EXE",
            description = "Python with torch and torchvision for the peer; without it only the SDK is measured.")
    Path python;

    @Option(names = "--peer", defaultValue = "bench/peer.py", paramLabel = "FILE",
            description = "The PyTorch peer (default: ${DEFAULT-VALUE}).")
    Path peer;

    @Option(names = "--tokenizer", defaultValue = "../shared/data/mistral-tokenizer", paramLabel = "DIR",
            description = "Mistral tokenizer folder, for the training text (default: ${DEFAULT-VALUE}).")
    Path tokenizer;

    @Option(names = "--child-heap", defaultValue = "2g", paramLabel = "SIZE",
            description = "-Xmx of the Java children (default: ${DEFAULT-VALUE}).")
    String childHeap;

    @Option(names = "--report-only", description = "Re-write report.md and the plot from <out>/results.jsonl.")
    boolean reportOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter printed = spec.commandLine().getOut();
        if (reportOnly) {
            List<BenchResult> results = BenchReport.read(out.resolve("results.jsonl"));
            BenchReport.write(out, results, List.of(), null, Double.NaN);
            printed.println("wrote " + out.resolve("report.md") + " from " + results.size() + " results");
            return 0;
        }
        validate();
        BenchSuite.Plan plan = new BenchSuite.Plan(out.toAbsolutePath(),
                (workdir == null ? out.resolve("work") : workdir).toAbsolutePath(), configs, lengthsByConfig(), steps,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, preprocessSeconds,
                loadConfig, python, peer.toAbsolutePath(), tokenizer.toAbsolutePath(), childHeap, measures);
        new BenchSuite(plan, printed).run();
        return 0;
    }

    private Map<String, List<Integer>> lengthsByConfig() {
        Map<String, List<Integer>> byConfig = new LinkedHashMap<>();
        for (String c : configs) {
            byConfig.put(c, lengths != null ? lengths : DEFAULT_LENGTHS.get(c));
        }
        return byConfig;
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        for (String c : configs) {
            if (!BenchConfigs.names().contains(c)) {
                throw new CommandLine.ParameterException(cl, "--configs: unknown config '" + c + "'; known: "
                        + BenchConfigs.names());
            }
        }
        if (!BenchConfigs.names().contains(loadConfig)) {
            throw new CommandLine.ParameterException(cl, "--load-config: unknown config '" + loadConfig + "'");
        }
        for (String m : measures) {
            if (!MEASURES.contains(m)) {
                throw new CommandLine.ParameterException(cl, "--measures: unknown measure '" + m + "'; known: "
                        + MEASURES);
            }
        }
        for (int t : lengths == null ? List.<Integer>of() : lengths) {
            if (t <= 0 || t % BenchConfigs.EXAMPLE_TOKENS != 0) {
                throw new CommandLine.ParameterException(cl, "--lengths: " + t + " is not a positive multiple of "
                        + BenchConfigs.EXAMPLE_TOKENS);
            }
        }
        steps.forEach((c, n) -> {
            if (n < 2) {
                throw new CommandLine.ParameterException(cl, "--steps: " + c + "=" + n + " leaves no timed step;"
                        + " the first is a warm-up");
            }
        });
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(cl, "--threads must be >= 1, got " + threads);
        }
        if (python != null && !Files.isRegularFile(peer)) {
            throw new CommandLine.ParameterException(cl, "--peer: no such file " + peer);
        }
        if (measures.contains("train") && !Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new CommandLine.ParameterException(cl, "--tokenizer: no tokenizer.json in " + tokenizer);
        }
    }
}
