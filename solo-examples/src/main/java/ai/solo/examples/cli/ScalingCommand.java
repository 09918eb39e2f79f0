package ai.solo.examples.cli;

import ai.solo.InvalidInputException;
import ai.solo.eval.ScalingLaw;
import ai.solo.eval.ScalingMetric;
import ai.solo.eval.ScalingPoint;
import ai.solo.eval.TrainingCurve;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo scaling}: the paper's scaling analysis of a training run. Reads the trainer's
 * {@code metrics.jsonl}, fits {@code L(D) = (Dc / D)^alpha} to (training tokens, loss) points,
 * prints the fit and the improvement per training token between consecutive points, and
 * writes a PNG of the fit and a JSON report.
 *
 * <pre>
 * solo scaling --metrics runs/x/metrics.jsonl [--metric eval|train] [--window N] [--stage NAME]
 *     [--min-tokens N] [--png fit.png] [--out scaling.json]
 * </pre>
 */
@Command(name = "scaling", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit the scaling law L(D) = (Dc / D)^alpha to a training run's metrics.jsonl (training tokens D, "
                + "loss L) and print the fit and the improvement per training token between evaluations.",
            "Writes a PNG of the fit on log-log axes and a JSON report."})
final class ScalingCommand implements Callable<Integer> {

    @Option(names = "--metrics", required = true, paramLabel = "FILE", description = "The metrics.jsonl of a training run.")
    Path metrics;

    @Option(names = "--metric", defaultValue = "eval", paramLabel = "eval|train",
            description = "eval: held-out loss of each evaluation; train: training loss averaged over windows of steps "
                    + "(default: ${DEFAULT-VALUE}).")
    ScalingMetric metric;

    @Option(names = "--window", defaultValue = "0", paramLabel = "N",
            description = "With --metric train: steps averaged per point; 0 picks about "
                    + TrainingCurve.DEFAULT_TRAIN_POINTS + " points (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--stage", paramLabel = "NAME",
            description = "Fit the points of this stage only (tokens still counted from the run's start).")
    String stage;

    @Option(names = "--min-tokens", defaultValue = "0", paramLabel = "N",
            description = "Leave out points before N training tokens, e.g. warm-up (default: ${DEFAULT-VALUE}).")
    double minTokens;

    @Option(names = "--png", paramLabel = "FILE",
            description = "Plot of the fit (default: scaling-<metric>.png next to --metrics).")
    Path png;

    @Option(names = "--out", paramLabel = "FILE",
            description = "JSON report (default: scaling-<metric>.json next to --metrics).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (window < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--window must be >= 0, got " + window);
        }
        if (window > 0 && metric == ScalingMetric.EVAL) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--window goes with --metric train; "
                    + "evaluations are not averaged");
        }
        TrainingCurve curve = TrainingCurve.read(metrics);
        if (stage != null) {
            curve = curve.stage(stage);
        }
        List<ScalingPoint> points = curve.points(metric, window).stream().filter(p -> p.tokens() >= minTokens).toList();
        String valueName = metric == ScalingMetric.EVAL ? "held-out loss" : "training loss";
        if (points.size() < 2) {
            throw new InvalidInputException(metrics + ": " + points.size() + " " + valueName + " point"
                    + (points.size() == 1 ? "" : "s") + " to fit, a scaling law needs at least 2"
                    + (metric == ScalingMetric.EVAL ? "; the run needs held-out evaluations (a stage's held_out and "
                            + "evaluate_every), or fit the training loss with --metric train" : ""));
        }
        ScalingLaw law;
        try {
            law = ScalingLaw.fit(points);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(metrics + ": " + e.getMessage(), e);
        }
        List<ScalingLaw.Improvement> improvements = ScalingLaw.improvements(points);
        String suffix = metric.name().toLowerCase(Locale.ROOT);
        Path folder = metrics.toAbsolutePath().getParent();
        Path plot = png != null ? png : folder.resolve("scaling-" + suffix + ".png");
        Path report = out != null ? out : folder.resolve("scaling-" + suffix + ".json");

        PrintWriter printed = spec.commandLine().getOut();
        List<String> stages = curve.stages();
        printed.printf(Locale.ROOT, "%s: %d %s points at D = %,d to %,d training tokens (%s %s)%n", metrics,
                points.size(), valueName, Math.round(points.get(0).tokens()),
                Math.round(points.get(points.size() - 1).tokens()), stages.size() == 1 ? "stage" : "stages",
                String.join(", ", stages));
        printed.println("fit of L(D) = (Dc / D)^alpha, least squares on log L against log D:");
        printed.printf(Locale.ROOT, "  alpha  %.4f%n", law.alpha());
        printed.printf(Locale.ROOT, "  Dc     %s tokens%n", dc(law));
        printed.printf(Locale.ROOT, "  R^2    %.4f (of log L, %d points)%n", law.rSquared(), law.points());
        printed.println("improvement per training token (L_prev - L) / (D - D_prev):");
        printed.println(table(points, improvements, valueName));
        law.plot(plot, points, valueName);
        JsonReport.write(report, json(law, points, improvements, valueName));
        printed.printf("plot: %s%nreport: %s%n", plot, report);
        return 0;
    }

    private static String dc(ScalingLaw law) {
        double dc = law.criticalTokens();
        return Double.isFinite(dc) && dc > 0 ? String.format(Locale.ROOT, "%.4g", dc)
                : String.format(Locale.ROOT, "e^%.4g", law.logCriticalTokens());
    }

    /** One row per point: where it was measured, its value, and the improvement since the previous point. */
    private static String table(List<ScalingPoint> points, List<ScalingLaw.Improvement> improvements, String valueName) {
        int stageWidth = "stage".length();
        for (ScalingPoint p : points) {
            stageWidth = Math.max(stageWidth, p.stage().length());
        }
        int valueWidth = Math.max(8, valueName.length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  %-" + stageWidth + "s  %7s  %15s  %" + valueWidth + "s  %14s  %12s%n",
                "stage", "step", "tokens D", valueName, "per 1M tokens", "per token"));
        for (int i = 0; i < points.size(); i++) {
            ScalingPoint p = points.get(i);
            String perMillion = "-";
            String perToken = "-";
            if (i > 0) {
                double v = improvements.get(i - 1).perToken();
                perMillion = Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v * 1e6);
                perToken = Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3e", v);
            }
            sb.append(String.format(Locale.ROOT, "  %-" + stageWidth + "s  %7d  %,15d  %" + valueWidth + ".4f  %14s  %12s%n",
                    p.stage(), p.step(), Math.round(p.tokens()), p.value(), perMillion, perToken));
        }
        return sb.toString().stripTrailing();
    }

    private ObjectNode json(ScalingLaw law, List<ScalingPoint> points, List<ScalingLaw.Improvement> improvements,
            String valueName) {
        ObjectNode root = JsonReport.object();
        root.put("metrics", metrics.toString());
        root.put("metric", metric.name().toLowerCase(Locale.ROOT));
        root.put("value", valueName);
        if (stage != null) {
            root.put("stage", stage);
        }
        if (metric == ScalingMetric.TRAIN) {
            root.put("window", window);
        }
        root.put("min_tokens", minTokens);
        ObjectNode fit = root.putObject("fit");
        fit.put("formula", "L(D) = (Dc / D)^alpha");
        JsonReport.number(fit, "alpha", law.alpha());
        JsonReport.number(fit, "dc", law.criticalTokens());
        JsonReport.number(fit, "log_dc", law.logCriticalTokens());
        JsonReport.number(fit, "r_squared", law.rSquared());
        fit.put("r_squared_of", "log L");
        fit.put("points", law.points());
        ArrayNode rows = root.putArray("points");
        for (int i = 0; i < points.size(); i++) {
            ScalingPoint p = points.get(i);
            ObjectNode row = rows.addObject();
            row.put("stage", p.stage());
            row.put("step", p.step());
            row.put("tokens", p.tokens());
            JsonReport.number(row, "value", p.value());
            JsonReport.number(row, "fitted", law.predict(p.tokens()));
            if (i > 0) {
                ScalingLaw.Improvement imp = improvements.get(i - 1);
                JsonReport.number(row, "improvement", imp.gain());
                JsonReport.number(row, "improvement_per_token", imp.perToken());
            }
        }
        return root;
    }
}
