package ai.solo.examples.bench;

import ai.solo.SoloConfig;
import ai.solo.impl.plot.LogAxis;
import ai.solo.impl.plot.PlotCanvas;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns the result lines of one run into {@code report.md} (tables with Java/Python ratios,
 * MFU and the targets) and {@code tokens-per-second.png} (training throughput against
 * packed length, both sides).
 */
public final class BenchReport {
    /** Training MFU at 4,096 tokens the SDK must reach, against its own measured matmul peak. */
    static final double MFU_TARGET = 0.40;
    /** Batched generation of 8 requests against 8 sequential ones. */
    static final double BATCH_TARGET = 3.0;
    /** The packed lengths the training targets name; other lengths are measured for the plot. */
    static final java.util.Set<Integer> TARGET_LENGTHS = java.util.Set.of(2048, 4096);

    private final List<BenchResult> results;
    private final StringBuilder md = new StringBuilder();
    private final List<String[]> targets = new ArrayList<>();

    private BenchReport(List<BenchResult> results) {
        this.results = results;
    }

    /**
     * Writes {@code report.md} and {@code tokens-per-second.png} into {@code out}.
     *
     * @param out the folder
     * @param results the results of one run
     * @param failures the children that failed, one line each
     * @param plan what was run, or null when re-reporting saved results
     * @param minutes wall time of the run, or NaN
     */
    public static void write(Path out, List<BenchResult> results, List<String> failures, BenchSuite.Plan plan,
            double minutes) {
        BenchReport r = new BenchReport(results);
        String text = r.markdown(failures, plan, minutes);
        try {
            Files.writeString(out.resolve("report.md"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("report.md"), e);
        }
        r.plot(out.resolve("tokens-per-second.png"));
    }

    /**
     * @param file a {@code results.jsonl} of an earlier run
     * @return its results
     * @throws IllegalArgumentException naming the file and line of a malformed result
     */
    public static List<BenchResult> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<BenchResult> results = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                results.add(BenchResult.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return results;
    }

    String markdown(List<String> failures, BenchSuite.Plan plan, double minutes) {
        md.append("# SOLO benchmark: the Java SDK against PyTorch in Python\n\n");
        md.append(String.format(Locale.ROOT, "Run on %s%s. %s%n%n", LocalDate.now(),
                Double.isNaN(minutes) ? "" : String.format(Locale.ROOT, ", %.1f minutes in all", minutes),
                machine()));
        runtimes();
        peak();
        training();
        generation();
        batch();
        preprocess();
        load();
        targetTable();
        if (!failures.isEmpty()) {
            md.append("## Failed\n\n");
            failures.forEach(f -> md.append("- ").append(f).append('\n'));
            md.append('\n');
        }
        if (plan != null) {
            md.append(String.format(Locale.ROOT, "Configs %s, packed lengths %s, training steps %s (the first of each"
                    + " run is a warm-up), %d threads per side.%n", plan.configs(), plan.lengths(), plan.trainSteps(),
                    plan.threads()));
        }
        return md.toString();
    }

    private void runtimes() {
        md.append("| side | runtime |\n|---|---|\n");
        for (String side : List.of("java", "python")) {
            results.stream().filter(r -> r.side().equals(side) && !r.runtime().isEmpty()).findFirst()
                    .ifPresent(r -> md.append("| ").append(side).append(" | ").append(runtimeText(r.runtime()))
                            .append(" |\n"));
        }
        md.append('\n');
    }

    private static String runtimeText(Map<String, Object> runtime) {
        StringBuilder s = new StringBuilder();
        runtime.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ')
                .append(String.valueOf(v).replace('|', '/').replace('\n', ' ')));
        return s.toString();
    }

    private void peak() {
        Optional<BenchResult> j = find("java", "matmul", null, null);
        Optional<BenchResult> p = find("python", "matmul", null, null);
        if (j.isEmpty() && p.isEmpty()) {
            return;
        }
        md.append("## Attainable peak\n\n| | Java (DJL) | Python (torch) | Java/Python |\n|---|---|---|---|\n");
        for (String n : List.of("1024", "2048")) {
            row("float32 matmul " + n + "^3, GFLOP/s", metric(j, "gflops_" + n), metric(p, "gflops_" + n), "%.1f",
                    false);
        }
        row("1-element add, microseconds per op", metric(j, "add_us"), metric(p, "add_us"), "%.2f", true);
        md.append('\n');
    }

    private void training() {
        List<BenchResult> java = results.stream().filter(r -> r.side().equals("java") && r.measure().equals("train"))
                .sorted(Comparator.comparing(BenchResult::config).thenComparing(BenchResult::tokens)).toList();
        if (java.isEmpty()) {
            return;
        }
        md.append("## Training\n\nOne packed row of 512-token examples per step, float32, AdamW. MFU counts PaLM's"
                + " 6N + 12LdS FLOPs per token against the same side's best matmul GFLOP/s.\n\n");
        md.append("| config | packed tokens | Java tokens/s | Python tokens/s | Java/Python | Java MFU | Python MFU"
                + " | Java peak RSS | Python peak RSS | Java peak heap |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult j : java) {
            Optional<BenchResult> p = find("python", "train", j.config(), j.tokens());
            double flops = BenchConfigs.trainFlopsPerToken(BenchConfigs.config(j.config()));
            double jm = j.metric("tokens_per_s") * flops / 1e9 / peakGflops("java");
            double pm = metric(p, "tokens_per_s") * flops / 1e9 / peakGflops("python");
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.0f | %s | %s | %.0f%% | %s | %.0f MiB | %s | %.0f MiB |%n",
                    j.config(), j.tokens(), j.metric("tokens_per_s"), num(metric(p, "tokens_per_s"), "%.0f"),
                    ratio(j.metric("tokens_per_s"), metric(p, "tokens_per_s")), 100 * jm, pct(pm), j.peakRssMib(),
                    p.map(r -> String.format(Locale.ROOT, "%.0f MiB", r.peakRssMib())).orElse("-"),
                    j.peakHeapMib()));
            if (TARGET_LENGTHS.contains(j.tokens())) {
                p.ifPresent(pr -> target("training tokens/s, " + j.config() + " at " + j.tokens() + " >= 1.0x Python",
                        j.metric("tokens_per_s") / pr.metric("tokens_per_s"), 1.0, "%.2fx"));
            }
            if (j.tokens() == 4096) {
                target("training MFU, " + j.config() + " at 4,096 tokens >= 40% of the DJL matmul peak", jm, MFU_TARGET,
                        "%.0f%%", 100);
            }
        }
        md.append("\n![training tokens/s against packed length](tokens-per-second.png)\n\n");
    }

    private void generation() {
        List<BenchResult> java = sorted("generate");
        if (java.isEmpty()) {
            return;
        }
        md.append("## Generation: a 1024x1024 image and a 10-token prompt, 64 new tokens\n\n");
        md.append("Time to first token counts patching, prefill and the first argmax. Prefill MFU is its FLOPs over"
                + " the time to first token, against the same side's matmul peak.\n\n");
        md.append("| config | Java TTFT | Python TTFT | Java/Python speed | Java prefill MFU | Python prefill MFU"
                + " | Java decode tokens/s | Python decode tokens/s | Java/Python | same first 8 ids | Java peak RSS"
                + " | Python peak RSS |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult j : java) {
            Optional<BenchResult> p = find("python", "generate", j.config(), null);
            SoloConfig c = BenchConfigs.config(j.config());
            int tokens = (int) j.metric("prompt_tokens");
            double flops = BenchConfigs.prefillFlops(c, tokens, 1024);
            double jm = flops / j.metric("ttft_s") / 1e9 / peakGflops("java");
            double pm = flops / metric(p, "ttft_s") / 1e9 / peakGflops("python");
            boolean same = p.isPresent() && Objects.equals(String.valueOf(j.metrics().get("first_ids")),
                    String.valueOf(p.get().metrics().get("first_ids")));
            md.append(String.format(Locale.ROOT, "| %s | %.3f s | %s | %s | %.0f%% | %s | %.1f | %s | %s | %s | %.0f MiB"
                    + " | %s |%n", j.config(), j.metric("ttft_s"), num(metric(p, "ttft_s"), "%.3f s"),
                    ratio(metric(p, "ttft_s"), j.metric("ttft_s")), 100 * jm, pct(pm),
                    j.metric("decode_tokens_per_s"), num(metric(p, "decode_tokens_per_s"), "%.1f"),
                    ratio(j.metric("decode_tokens_per_s"), metric(p, "decode_tokens_per_s")),
                    p.isEmpty() ? "-" : same ? "yes" : "no", j.peakRssMib(),
                    p.map(r -> String.format(Locale.ROOT, "%.0f MiB", r.peakRssMib())).orElse("-")));
            p.ifPresent(pr -> {
                target("prefill (time to first token), " + j.config() + " >= 1.0x Python",
                        pr.metric("ttft_s") / j.metric("ttft_s"), 1.0, "%.2fx");
                target("decode tokens/s, " + j.config() + " >= 1.0x Python",
                        j.metric("decode_tokens_per_s") / pr.metric("decode_tokens_per_s"), 1.0, "%.2fx");
            });
        }
        md.append('\n');
    }

    private void batch() {
        List<BenchResult> java = sorted("batch");
        if (java.isEmpty()) {
            return;
        }
        List<?> lengths = java.get(0).metrics().get("prompt_tokens") instanceof List<?> l ? l : List.of();
        md.append(String.format(Locale.ROOT, "## Batched generation: %d requests%s, 32 new tokens each%n%n",
                lengths.isEmpty() ? 8 : lengths.size(), lengths.isEmpty() ? "" : " of " + lengths.stream()
                        .mapToInt(v -> ((Number) v).intValue()).min().orElse(0) + "-" + lengths.stream()
                        .mapToInt(v -> ((Number) v).intValue()).max().orElse(0) + " tokens"));
        md.append("Each side's batch is left-padded; the SDK prefills prompts of different lengths one row"
                + " at a time into the batch's cache, then decodes all rows together.\n\n");
        md.append("| config | Java batched tokens/s | Java sequential | Java speedup | Python batched tokens/s"
                + " | Python sequential | Python speedup | Java/Python batched | batch = alone (Java, Python)"
                + " |\n|---|---|---|---|---|---|---|---|---|\n");
        for (BenchResult j : java) {
            Optional<BenchResult> p = find("python", "batch", j.config(), null);
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx | %s | %s | %s | %s | %s, %s |%n",
                    j.config(), j.metric("batched_tokens_per_s"), j.metric("sequential_tokens_per_s"),
                    j.metric("speedup"), num(metric(p, "batched_tokens_per_s"), "%.1f"),
                    num(metric(p, "sequential_tokens_per_s"), "%.1f"), num(metric(p, "speedup"), "%.2fx"),
                    ratio(j.metric("batched_tokens_per_s"), metric(p, "batched_tokens_per_s")),
                    j.metrics().get("batched_equals_sequential"),
                    p.map(r -> String.valueOf(r.metrics().get("batched_equals_sequential"))).orElse("-")));
            target("batched generation of 8, " + j.config() + " >= 3x sequential", j.metric("speedup"), BATCH_TARGET,
                    "%.2fx");
        }
        md.append('\n');
    }

    private void preprocess() {
        Optional<BenchResult> j = find("java", "preprocess", null, null);
        if (j.isEmpty()) {
            return;
        }
        Optional<BenchResult> p = find("python", "preprocess", null, null);
        md.append("## Preprocessing: 1024x768 JPEGs, one thread\n\n| | Java ImagePatcher | PIL + torchvision"
                + " | Java/Python |\n|---|---|---|---|\n");
        row("images/s (decode, RGB, resize, normalise, patch)", j.get().metric("images_per_s"),
                metric(p, "images_per_s"), "%.1f", false);
        md.append('\n');
        p.ifPresent(pr -> target("preprocessing >= 1.0x PIL + torchvision",
                j.get().metric("images_per_s") / pr.metric("images_per_s"), 1.0, "%.2fx"));
    }

    private void load() {
        Optional<BenchResult> j = results.stream().filter(r -> r.side().equals("java") && r.measure().equals("load"))
                .findFirst();
        if (j.isEmpty()) {
            return;
        }
        Optional<BenchResult> p = find("python", "load", j.get().config(), null);
        Optional<BenchResult> disk = find("system", "disk", j.get().config(), null);
        md.append(String.format(Locale.ROOT, "## Checkpoint load: %s config, %.2f GB of float32 safetensors%n%n",
                j.get().config(), j.get().metric("bytes") / 1e9));
        md.append("| | Java | Python | Java/Python | reading the file alone |\n|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| from the page cache, GB/s | %.2f (%.2f s) | %s | %s | %s |%n",
                j.get().metric("gb_per_s"), j.get().metric("seconds"), num(metric(p, "gb_per_s"), "%.2f"),
                ratio(j.get().metric("gb_per_s"), metric(p, "gb_per_s")), num(metric(disk, "warm_read_gb_per_s"),
                        "%.2f")));
        md.append(String.format(Locale.ROOT, "| from disk (evicted first), GB/s | %s | - | - | %s |%n",
                num(j.get().metric("cold_gb_per_s"), "%.2f"), num(metric(disk, "cold_read_gb_per_s"), "%.2f")));
        md.append(String.format(Locale.ROOT, "| peak Java heap | %.0f MiB | - | - | - |%n%n", j.get().peakHeapMib()));
        double cold = j.get().metric("cold_gb_per_s");
        double bound = metric(disk, "cold_read_gb_per_s");
        if (!Double.isNaN(cold) && !Double.isNaN(bound)) {
            target("checkpoint load from disk >= 0.8x reading the file alone", cold / bound, 0.8, "%.2fx");
        }
    }

    private void targetTable() {
        if (targets.isEmpty()) {
            return;
        }
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        targets.forEach(t -> md.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2])
                .append(" |\n"));
        md.append('\n');
    }

    private void target(String what, double value, double goal, String format) {
        target(what, value, goal, format, 1);
    }

    private void target(String what, double value, double goal, String format, double scale) {
        targets.add(new String[] {what, String.format(Locale.ROOT, format, value * scale),
            Double.isNaN(value) ? "-" : value >= goal ? "yes" : "**no**"});
    }

    /** Training tokens/s against packed length, one line per side and config, log-log. */
    void plot(Path file) {
        List<BenchResult> train = results.stream().filter(r -> r.measure().equals("train") && r.tokens() != null)
                .toList();
        if (train.isEmpty()) {
            return;
        }
        LogAxis x = LogAxis.covering(train.stream().mapToDouble(BenchResult::tokens).toArray());
        double[] rates = train.stream().mapToDouble(r -> r.metric("tokens_per_s")).toArray();
        double top = java.util.Arrays.stream(rates).max().orElse(1);
        // headroom above the highest line, where the legend sits
        LogAxis y = LogAxis.covering(java.util.stream.DoubleStream.concat(java.util.Arrays.stream(rates),
                java.util.stream.DoubleStream.of(top * 2.2)).toArray());
        PlotCanvas canvas = new PlotCanvas(760, 460);
        canvas.axes(x, y, "packed tokens per step (log scale)", "training tokens/s (log scale)");
        var g = canvas.graphics();
        List<PlotCanvas.LegendEntry> legend = new ArrayList<>();
        Color[] java = {PlotCanvas.PRIMARY, PlotCanvas.LIGHT};
        Color[] python = {PlotCanvas.ACCENT, new Color(0xF2, 0xB0, 0x7E)};
        List<String> configs = train.stream().map(BenchResult::config).distinct()
                .sorted(Comparator.comparingInt(c -> BenchConfigs.names().indexOf(c))).toList();
        for (int c = 0; c < configs.size(); c++) {
            for (String side : List.of("java", "python")) {
                String config = configs.get(c);
                List<BenchResult> series = train.stream().filter(r -> r.side().equals(side) && r.config().equals(config))
                        .sorted(Comparator.comparing(BenchResult::tokens)).toList();
                if (series.isEmpty()) {
                    continue;
                }
                Color colour = (side.equals("java") ? java : python)[Math.min(c, 1)];
                Path2D line = new Path2D.Double();
                for (int i = 0; i < series.size(); i++) {
                    double px = canvas.px(x, series.get(i).tokens());
                    double py = canvas.py(y, series.get(i).metric("tokens_per_s"));
                    if (i == 0) {
                        line.moveTo(px, py);
                    } else {
                        line.lineTo(px, py);
                    }
                }
                g.setColor(colour);
                g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(line);
                series.forEach(r -> canvas.dot(canvas.px(x, r.tokens()), canvas.py(y, r.metric("tokens_per_s")), colour));
                legend.add(new PlotCanvas.LegendEntry((side.equals("java") ? "Java SDK, " : "PyTorch (Python), ")
                        + config, colour, PlotCanvas.LegendEntry.Marker.LINE));
            }
        }
        canvas.title("Training tokens/s", "float32, CPU, packed rows of 512-token examples");
        canvas.legend(legend);
        canvas.writePng(file);
    }

    private List<BenchResult> sorted(String measure) {
        return results.stream().filter(r -> r.side().equals("java") && r.measure().equals(measure))
                .sorted(Comparator.comparingInt(r -> BenchConfigs.names().indexOf(r.config()))).toList();
    }

    private Optional<BenchResult> find(String side, String measure, String config, Integer tokens) {
        return results.stream().filter(r -> r.side().equals(side) && r.measure().equals(measure)
                && Objects.equals(r.config(), config) && Objects.equals(r.tokens(), tokens)).findFirst();
    }

    /** @return the side's best measured matmul GFLOP/s, NaN without a matmul result */
    private double peakGflops(String side) {
        Optional<BenchResult> m = find(side, "matmul", null, null);
        return Math.max(metric(m, "gflops_1024"), metric(m, "gflops_2048"));
    }

    private void row(String what, double java, double python, String format, boolean lowerIsBetter) {
        md.append("| ").append(what).append(" | ").append(num(java, format)).append(" | ")
                .append(num(python, format)).append(" | ")
                .append(lowerIsBetter ? ratio(python, java) : ratio(java, python)).append(" |\n");
    }

    private static double metric(Optional<BenchResult> r, String name) {
        return r.map(x -> x.metric(name)).orElse(Double.NaN);
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceAll(".*:\\s*", ""))
                    .orElse(cpu);
        } catch (IOException | UncheckedIOException e) {
            // not Linux: the CPU stays unnamed
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format(Locale.ROOT, "Machine: %s, %d cores, %.0f GiB.", cpu,
                Runtime.getRuntime().availableProcessors(), memory / (1024.0 * 1024 * 1024));
    }
}
