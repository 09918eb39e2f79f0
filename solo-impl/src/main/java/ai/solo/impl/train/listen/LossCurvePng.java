package ai.solo.impl.train.listen;

import ai.solo.SoloException;
import ai.solo.impl.plot.PlotCanvas;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSummary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the loss curve of a run into a PNG ({@code loss.png}), rewritten after every checkpoint
 * and at the end: training loss per step as a light line with its (centred) moving average in bold,
 * held-out losses as markers, x the global step (stages laid end to end), stage boundaries as
 * dashed vertical lines labelled with the stage names.
 *
 * With fewer than 80 steps there is nothing to smooth and the loss per step is drawn in bold.
 *
 * <p>Pure Java2D on an off-screen image, so it works headless; when the platform has no usable
 * fonts the plot is drawn without text rather than failing. Each write replaces the file
 * atomically. Not thread-safe.
 */
public final class LossCurvePng implements TrainingListener {
    /** Image size in pixels. */
    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    private static final Logger logger = LoggerFactory.getLogger(LossCurvePng.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Color RAW = PlotCanvas.LIGHT;
    private static final Color SMOOTH = PlotCanvas.PRIMARY;
    private static final Color HELD_OUT = PlotCanvas.ACCENT;
    private static final Color BOUNDARY = new Color(0x99, 0x99, 0x99);

    /** A stage laid on the global step axis. */
    private record Span(String name, int index, long offset, long steps) {
        long end() {
            return offset + steps;
        }
    }

    /** A loss at a global step. */
    private record Point(long x, double loss, int span) {
    }

    private final Path file;
    private final List<Span> spans = new ArrayList<>();
    private final List<Point> losses = new ArrayList<>();
    private final List<Point> heldOut = new ArrayList<>();
    /** Cleared once drawing text fails (no fonts installed); the plot is then drawn without text. */

    /** @param file the PNG to write, e.g. {@code <outputDir>/loss.png}; its folders are created on write */
    public LossCurvePng(Path file) {
        if (file == null) {
            throw new NullPointerException("file");
        }
        this.file = file;
    }

    /** @return the file written */
    public Path file() {
        return file;
    }

    /**
     * Restores the curve of earlier runs from the {@code metrics.jsonl} that {@link JsonlMetrics}
     * wrote, so that a resumed run plots its whole history. Call it before the run starts; steps
     * logged after the checkpoint a run resumes from are dropped when its {@code stage_start}
     * arrives. Unreadable lines (a line torn by a crash) are skipped.
     *
     * @param metricsFile a metrics JSONL file; nothing happens if it does not exist
     * @throws SoloException naming the file if it cannot be read
     */
    public void replay(Path metricsFile) {
        try (BufferedReader r = Files.newBufferedReader(metricsFile, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    replayLine(line);
                }
            }
        } catch (NoSuchFileException e) {
            logger.debug("No metrics to replay at {}", metricsFile);
        } catch (IOException e) {
            throw new SoloException("cannot read " + metricsFile + ": " + e, e);
        }
    }

    private void replayLine(String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            logger.debug("Skipping an unreadable metrics line: {}", e.getOriginalMessage());
            return;
        }
        if (o == null || !o.isObject()) {
            return;
        }
        switch (o.path("event").asText()) {
            case "stage_start" -> onStageStart(new StageStart(o.path("stage").asText(), o.path("index").asInt(),
                    o.path("stages").asInt(), o.path("steps").asInt(), o.path("start_step").asLong()));
            case "step" -> onStep(new StepMetrics(o.path("stage").asText(), o.path("step").asLong(),
                    o.path("steps").asLong(), number(o.get("loss")), 0, 0, 0, 0, 0, o.path("skipped").asBoolean()));
            case "eval" -> onEvaluation(new Evaluation(o.path("stage").asText(), o.path("step").asLong(),
                    number(o.get("held_out_loss")), o.path("target_tokens").asLong()));
            default -> {
                // checkpoints and ends carry nothing to plot
            }
        }
    }

    private static double number(JsonNode n) {
        return n == null || !n.isNumber() ? Double.NaN : n.doubleValue();
    }

    @Override
    public void onStageStart(StageStart s) {
        long offset = 0;
        for (Span span : spans) {
            if (span.index() < s.index()) {
                offset = Math.max(offset, span.end());
            }
        }
        // a resumed stage (or a replayed history running past its checkpoint) restarts here
        long restart = offset + s.startStep();
        spans.removeIf(span -> span.index() >= s.index());
        losses.removeIf(p -> p.x() > restart);
        heldOut.removeIf(p -> p.x() > restart);
        spans.add(new Span(s.name(), s.index(), offset, s.steps()));
    }

    @Override
    public void onStep(StepMetrics m) {
        Span span = span(m.stage(), m.steps());
        if (!m.skipped() && Double.isFinite(m.loss())) {
            losses.add(new Point(span.offset() + m.step(), m.loss(), spans.indexOf(span)));
        }
    }

    @Override
    public void onEvaluation(Evaluation e) {
        Span span = span(e.stage(), e.step());
        if (Double.isFinite(e.loss())) {
            heldOut.add(new Point(span.offset() + e.step(), e.loss(), spans.indexOf(span)));
        }
    }

    @Override
    public void onCheckpoint(Path dir, String stage, long step) {
        write();
    }

    @Override
    public void onEnd(TrainingSummary summary) {
        write();
    }

    /** The latest span of that name, or a new one after the last when the stage was never announced. */
    private Span span(String name, long steps) {
        for (int i = spans.size() - 1; i >= 0; i--) {
            if (spans.get(i).name().equals(name)) {
                return spans.get(i);
            }
        }
        Span last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
        Span added = new Span(name, last == null ? 0 : last.index() + 1, last == null ? 0 : last.end(), steps);
        spans.add(added);
        return added;
    }

    /**
     * Renders and atomically replaces the PNG.
     *
     * @throws SoloException naming the file if it cannot be written
     */
    public void write() {
        canvas().writePng(file);
    }

    /** @return the plot, {@link #WIDTH} x {@link #HEIGHT} RGB */
    BufferedImage render() {
        return canvas().finish();
    }

    private PlotCanvas canvas() {
        PlotCanvas c = new PlotCanvas(WIDTH, HEIGHT);
        long xMax = 1;
        for (Span s : spans) {
            xMax = Math.max(xMax, s.end());
        }
        for (Point p : losses) {
            xMax = Math.max(xMax, p.x());
        }
        Axis x = Axis.steps(xMax);
        Axis y = Axis.losses(losses, heldOut);

        Graphics2D g = c.graphics();
        c.grid(x, y);
        drawBoundaries(c, x);
        Shape clip = g.getClip();
        g.clip(new Rectangle2D.Double(c.left(), c.top() - 1, c.right() - c.left(), c.bottom() - c.top() + 2));
        int window = smoothingWindow(losses.size());
        drawLosses(c, x, y, window);
        g.setClip(clip);
        // markers lie inside the axes' range; unclipped so those on the border stay whole
        drawHeldOut(c, x, y);
        c.frame(x, y, "global step", "loss");
        c.title("Training loss", latest());
        drawLegend(c, window);
        if (losses.isEmpty() && heldOut.isEmpty()) {
            g.setColor(PlotCanvas.MUTED);
            c.centred("no steps yet", PlotCanvas.LABEL, (c.left() + c.right()) / 2f, (c.top() + c.bottom()) / 2f);
        }
        return c;
    }

    private void drawBoundaries(PlotCanvas c, Axis x) {
        Graphics2D g = c.graphics();
        Stroke dashed = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f);
        // stage names go in the first of two rows where they do not overlap the previous name
        double[] rowEnd = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Span s : spans) {
            double from = c.px(x, s.offset());
            if (s.offset() > x.min()) {
                g.setStroke(dashed);
                g.setColor(BOUNDARY);
                g.draw(new Line2D.Double(from, c.top(), from, c.bottom()));
            }
            int width = c.textWidth(s.name(), PlotCanvas.SMALL);
            double left = from + 5;
            for (int row = 0; row < rowEnd.length; row++) {
                if (left > rowEnd[row] + 6 && left + width <= c.right()) {
                    rowEnd[row] = left + width;
                    g.setColor(PlotCanvas.MUTED);
                    c.text(s.name(), PlotCanvas.SMALL, (float) left, c.top() + 14 + 14 * row);
                    break;
                }
            }
        }
    }

    private void drawLosses(PlotCanvas c, Axis x, Axis y, int window) {
        Graphics2D g = c.graphics();
        Stroke thin = new BasicStroke(1f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        Stroke bold = new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        // one segment per stage: the loss rule (and so the loss scale) may change between stages
        List<List<Point>> segments = new ArrayList<>();
        int lastSpan = Integer.MIN_VALUE;
        for (Point p : losses) {
            if (p.span() != lastSpan) {
                segments.add(new ArrayList<>());
                lastSpan = p.span();
            }
            segments.get(segments.size() - 1).add(p);
        }
        if (window > 1) {
            g.setColor(RAW);
            g.setStroke(thin);
            for (List<Point> seg : segments) {
                g.draw(polyline(c, seg, x, y, 1));
            }
        }
        g.setColor(SMOOTH);
        g.setStroke(bold);
        for (List<Point> seg : segments) {
            g.draw(polyline(c, seg, x, y, window));
        }
    }

    /**
     * A line through the centred moving average of {@code window} points (1: the points
     * themselves); the window shrinks towards the ends so the line spans every point without lag.
     */
    private static Path2D polyline(PlotCanvas c, List<Point> points, Axis x, Axis y, int window) {
        int n = points.size();
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + points.get(i).loss();
        }
        int half = window / 2;
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < n; i++) {
            int reach = Math.min(half, Math.min(i, n - 1 - i));
            double mean = (prefix[i + reach + 1] - prefix[i - reach]) / (2 * reach + 1);
            double px = c.px(x, points.get(i).x());
            double py = c.py(y, mean);
            if (i == 0) {
                path.moveTo(px, py);
            } else {
                path.lineTo(px, py);
            }
        }
        if (n == 1) {
            // a single step still shows as a dot
            path.lineTo(path.getCurrentPoint().getX() + 0.01, path.getCurrentPoint().getY());
        }
        return path;
    }

    private void drawHeldOut(PlotCanvas c, Axis x, Axis y) {
        Graphics2D g = c.graphics();
        g.setStroke(new BasicStroke(1.5f));
        for (Point p : heldOut) {
            Ellipse2D dot = new Ellipse2D.Double(c.px(x, p.x()) - 4.5, c.py(y, p.loss()) - 4.5, 9, 9);
            g.setColor(HELD_OUT);
            g.fill(dot);
            g.setColor(Color.WHITE);
            g.draw(dot);
        }
    }

    /** @return the title's note: the latest loss and held-out loss */
    private String latest() {
        StringBuilder latest = new StringBuilder();
        if (!losses.isEmpty()) {
            Point last = losses.get(losses.size() - 1);
            latest.append(String.format(Locale.ROOT, "step %,d: loss %.3f", last.x(), last.loss()));
        }
        if (!heldOut.isEmpty()) {
            Point last = heldOut.get(heldOut.size() - 1);
            latest.append(latest.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "held-out %.3f at step %,d", last.loss(), last.x()));
        }
        return latest.toString();
    }

    private void drawLegend(PlotCanvas c, int window) {
        Graphics2D g = c.graphics();
        // with too few steps to smooth, the bold line is the loss per step itself
        List<String> labels = new ArrayList<>(window > 1
                ? List.of("loss per step", "moving average (" + window + " steps)") : List.of("loss per step"));
        int heldOutRow = labels.size();
        if (!heldOut.isEmpty()) {
            labels.add("held-out loss");
        }
        int textWidth = 0;
        for (String l : labels) {
            textWidth = Math.max(textWidth, c.textWidth(l, PlotCanvas.SMALL));
        }
        int rowHeight = 17;
        int w = 38 + textWidth + 10;
        int h = labels.size() * rowHeight + 8;
        int x0 = c.right() - w - 10;
        int y0 = c.top() + 36; // below the two rows of stage names
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(x0, y0, w, h);
        g.setColor(PlotCanvas.GRID);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, w, h);
        for (int i = 0; i < labels.size(); i++) {
            double cy = y0 + 4 + rowHeight * i + rowHeight / 2.0;
            if (i == heldOutRow) {
                g.setColor(HELD_OUT);
                g.fill(new Ellipse2D.Double(x0 + 19 - 4.5, cy - 4.5, 9, 9));
            } else if (i == 0 && window > 1) {
                g.setColor(RAW);
                g.setStroke(new BasicStroke(1.5f));
                g.draw(new Line2D.Double(x0 + 8, cy, x0 + 30, cy));
            } else {
                g.setColor(SMOOTH);
                g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new Line2D.Double(x0 + 8, cy, x0 + 30, cy));
            }
            g.setColor(PlotCanvas.INK);
            c.text(labels.get(i), PlotCanvas.SMALL, x0 + 38, (float) cy + 4);
        }
    }

    /** About 1/40 of the steps and odd (centred), so the average follows the trend but not the noise. */
    static int smoothingWindow(int points) {
        return Math.max(1, Math.min(201, points / 40)) | 1;
    }

    /**
     * An axis range with "nice" ticks (1, 2 or 5 times a power of ten).
     *
     * @param min lowest value shown
     * @param max highest value shown
     * @param step distance between ticks
     * @param decimals decimals of tick labels
     */
    private record Axis(double min, double max, double step, int decimals) implements PlotCanvas.Axis {

        static Axis steps(long xMax) {
            double step = Math.max(1, niceStep(xMax / 8.0));
            return new Axis(0, xMax, step, 0);
        }

        static Axis losses(List<Point> losses, List<Point> heldOut) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (List<Point> list : List.of(losses, heldOut)) {
                for (Point p : list) {
                    lo = Math.min(lo, p.loss());
                    hi = Math.max(hi, p.loss());
                }
            }
            if (lo > hi) {
                lo = 0;
                hi = 1;
            }
            if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
                double pad = Math.max(0.05, Math.abs(hi) * 0.05);
                lo -= pad;
                hi += pad;
            }
            boolean nonNegative = lo >= 0;
            double margin = (hi - lo) * 0.05;
            lo -= margin;
            hi += margin;
            if (nonNegative) {
                lo = Math.max(0, lo);
            }
            double step = niceStep((hi - lo) / 6);
            double min = Math.floor(lo / step) * step;
            double max = Math.ceil(hi / step) * step;
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            return new Axis(min, max, step, decimals);
        }

        static double niceStep(double rough) {
            if (!(rough > 0)) {
                return 1;
            }
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double f = rough / magnitude;
            double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
            return nice * magnitude;
        }

        @Override
        public double fraction(double value) {
            return (value - min) / (max - min);
        }

        @Override
        public List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long first = (long) Math.ceil(min / step - 1e-9);
            for (long i = first; i * step <= max + step * 1e-9; i++) {
                ticks.add(i * step);
            }
            return ticks;
        }

        @Override
        public String label(double v) {
            if (decimals == 0) {
                return String.format(Locale.ROOT, "%,d", Math.round(v));
            }
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }
}
