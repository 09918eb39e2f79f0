package ai.solo.eval;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's scaling analysis: a power law {@code L(D) = (Dc / D)^alpha} of a metric L (e.g.
 * held-out loss) in training tokens D, fitted by least squares in log-log space, where it is a
 * line: {@code log L = alpha log Dc - alpha log D}.
 *
 * <pre>{@code
 * List<ScalingPoint> points = TrainingCurve.read(Path.of("runs/x/metrics.jsonl")).points(ScalingMetric.EVAL, 0);
 * ScalingLaw law = ScalingLaw.fit(points);
 * System.out.printf("alpha %.3f, Dc %.3g, R^2 %.3f%n", law.alpha(), law.criticalTokens(), law.rSquared());
 * for (ScalingLaw.Improvement i : ScalingLaw.improvements(points)) {
 *     System.out.println(i.perToken());
 * }
 * }</pre>
 *
 * <p>Natural logarithms throughout. A positive {@code alpha} means the metric falls as training
 * goes on; a metric that grows (an accuracy) gives a negative one.
 *
 * @param alpha the exponent
 * @param logCriticalTokens {@code ln Dc}, kept in log space because Dc overflows a double when
 *     alpha is small
 * @param rSquared coefficient of determination of the fit in log space, on {@code ln L}:
 *     {@code 1 - SS_res / SS_tot}; 1 is a perfect power law
 * @param points number of points fitted
 */
public record ScalingLaw(double alpha, double logCriticalTokens, double rSquared, int points) {

    /**
     * Fits the power law to points by ordinary least squares of {@code ln L} on {@code ln D}.
     *
     * @param data at least two points, every tokens and value above 0, at least two different
     *     token counts and two different values
     * @return the fit
     * @throws InvalidInputException naming the offending point, or why the points cannot be fitted
     */
    public static ScalingLaw fit(List<ScalingPoint> data) {
        if (data == null || data.size() < 2) {
            throw new InvalidInputException("a scaling law needs at least 2 points, got "
                    + (data == null ? 0 : data.size()));
        }
        int n = data.size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            ScalingPoint p = data.get(i);
            if (p == null) {
                throw new InvalidInputException("scaling point " + i + " is null");
            }
            if (!(p.tokens() > 0) || !(p.value() > 0)) {
                throw new InvalidInputException("scaling point " + i + describe(p) + " has tokens " + p.tokens()
                        + " and value " + p.value() + ": a power law needs both above 0 (it is fitted on their logs)");
            }
            x[i] = Math.log(p.tokens());
            y[i] = Math.log(p.value());
        }
        double meanX = mean(x);
        double meanY = mean(y);
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            throw new InvalidInputException("all " + n + " scaling points have the same token count "
                    + data.get(0).tokens() + ": a slope needs at least two");
        }
        if (syy == 0) {
            throw new InvalidInputException("all " + n + " scaling points have the same value " + data.get(0).value()
                    + ": a flat line has alpha 0 and no Dc");
        }
        double slope = sxy / sxx;
        if (slope == 0) {
            throw new InvalidInputException("the " + n + " scaling points show no trend (slope 0): alpha 0 has no Dc");
        }
        double intercept = meanY - slope * meanX;
        double alpha = -slope;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i] - (intercept + slope * x[i]);
            residual += e * e;
        }
        return new ScalingLaw(alpha, intercept / alpha, 1 - residual / syy, n);
    }

    /** @return Dc, the token count where the fitted metric is 1; may be infinite for a tiny alpha */
    public double criticalTokens() {
        return Math.exp(logCriticalTokens);
    }

    /**
     * @param tokens training tokens D, above 0
     * @return the fitted metric {@code (Dc / D)^alpha}
     */
    public double predict(double tokens) {
        if (!(tokens > 0)) {
            throw new InvalidInputException("tokens must be above 0, got " + tokens);
        }
        return Math.exp(alpha * (logCriticalTokens - Math.log(tokens)));
    }

    /**
     * Draws the points and the fitted line on log-log axes into a PNG, titled with alpha, Dc and R^2.
     *
     * @param png the file to write, replaced atomically; its folder is created
     * @param data the points fitted
     * @param valueName what the points measure, for the y axis, e.g. {@code "held-out loss"}
     */
    public void plot(Path png, List<ScalingPoint> data, String valueName) {
        if (png == null || data == null || data.isEmpty() || valueName == null) {
            throw new InvalidInputException("plot needs a file, points and a value name");
        }
        SoloProviders.get().writeScalingPlot(png, this, List.copyOf(data), valueName);
    }

    /**
     * The paper's "improvement per training token": between consecutive points, how much the
     * metric fell per token trained in between, {@code (L_prev - L_next) / (D_next - D_prev)}.
     *
     * @param data points in the order they were measured, tokens never decreasing
     * @return one improvement per consecutive pair (none for fewer than two points)
     * @throws InvalidInputException if the token count decreases between two points
     */
    public static List<Improvement> improvements(List<ScalingPoint> data) {
        if (data == null) {
            throw new InvalidInputException("points must not be null");
        }
        List<Improvement> out = new ArrayList<>();
        for (int i = 1; i < data.size(); i++) {
            ScalingPoint prev = data.get(i - 1);
            ScalingPoint next = data.get(i);
            if (next.tokens() < prev.tokens()) {
                throw new InvalidInputException("scaling point " + i + describe(next) + " has fewer tokens ("
                        + next.tokens() + ") than the point before it (" + prev.tokens() + "): give points in the "
                        + "order they were measured");
            }
            out.add(new Improvement(prev, next));
        }
        return out;
    }

    /**
     * The change of the metric between two consecutive measurements.
     *
     * @param from the earlier point
     * @param to the later point
     */
    public record Improvement(ScalingPoint from, ScalingPoint to) {

        /** @return training tokens between the two points */
        public double tokens() {
            return to.tokens() - from.tokens();
        }

        /** @return how much the metric fell, {@code L_prev - L_next} (negative if it rose) */
        public double gain() {
            return from.value() - to.value();
        }

        /** @return {@link #gain()} per training token; NaN when no token was trained in between */
        public double perToken() {
            return tokens() == 0 ? Double.NaN : gain() / tokens();
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    private static String describe(ScalingPoint p) {
        return p.stage().isEmpty() ? "" : " (" + p.stage() + " step " + p.step() + ")";
    }
}
