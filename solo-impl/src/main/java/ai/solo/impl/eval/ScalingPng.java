package ai.solo.impl.eval;

import ai.solo.eval.ScalingLaw;
import ai.solo.eval.ScalingPoint;
import ai.solo.impl.plot.LogAxis;
import ai.solo.impl.plot.PlotCanvas;
import java.awt.BasicStroke;
import java.awt.geom.Line2D;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws a scaling fit: the measured points and the fitted power law on log-log axes (where it is
 * a straight line), titled with alpha, Dc and R^2. 900 x 500 pixels, as {@code loss.png}.
 */
public final class ScalingPng {
    /** Image size in pixels. */
    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    private ScalingPng() {
    }

    /**
     * @param file the PNG, replaced atomically; its folders are created
     * @param law the fit
     * @param points the points it was fitted to
     * @param valueName what the points measure, e.g. {@code "held-out loss"}
     */
    public static void write(Path file, ScalingLaw law, List<ScalingPoint> points, String valueName) {
        double minD = Double.POSITIVE_INFINITY;
        double maxD = 0;
        for (ScalingPoint p : points) {
            minD = Math.min(minD, p.tokens());
            maxD = Math.max(maxD, p.tokens());
        }
        double[] ys = new double[points.size() + 2];
        for (int i = 0; i < points.size(); i++) {
            ys[i] = points.get(i).value();
        }
        ys[points.size()] = law.predict(minD);
        ys[points.size() + 1] = law.predict(maxD);
        LogAxis x = LogAxis.covering(minD, maxD);
        LogAxis y = LogAxis.covering(ys);

        PlotCanvas canvas = new PlotCanvas(WIDTH, HEIGHT);
        canvas.axes(x, y, "training tokens D (log scale)", valueName + " (log scale)");
        var g = canvas.graphics();
        g.setColor(PlotCanvas.PRIMARY);
        g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(canvas.px(x, minD), canvas.py(y, law.predict(minD)), canvas.px(x, maxD),
                canvas.py(y, law.predict(maxD))));
        for (ScalingPoint p : points) {
            canvas.dot(canvas.px(x, p.tokens()), canvas.py(y, p.value()), PlotCanvas.ACCENT);
        }
        canvas.title("Scaling fit of the " + valueName, String.format(Locale.ROOT,
                "alpha = %.4g, Dc = %s tokens, R^2 = %.4f (%d points)", law.alpha(), dc(law), law.rSquared(),
                law.points()));
        canvas.legend(List.of(
                new PlotCanvas.LegendEntry(valueName, PlotCanvas.ACCENT, PlotCanvas.LegendEntry.Marker.DOT),
                new PlotCanvas.LegendEntry("L(D) = (Dc / D)^alpha", PlotCanvas.PRIMARY,
                        PlotCanvas.LegendEntry.Marker.LINE)));
        canvas.writePng(file);
    }

    private static String dc(ScalingLaw law) {
        double dc = law.criticalTokens();
        return Double.isFinite(dc) && dc > 0 ? String.format(Locale.ROOT, "%.3g", dc)
                : String.format(Locale.ROOT, "e^%.4g", law.logCriticalTokens());
    }
}
