package ai.solo.impl.plot;

import ai.solo.SoloException;
import ai.solo.impl.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An off-screen chart in the SDK's house style (that of {@code loss.png}): white background, a
 * plot area with fixed margins, palette, fonts, text helpers and an atomic PNG write. Pure
 * Java2D, so it works headless; when the platform has no usable fonts the chart is drawn without
 * text rather than failing. Not thread-safe; one canvas per image.
 */
public final class PlotCanvas {
    /** Text and axes. */
    public static final Color INK = new Color(0x33, 0x33, 0x33);
    /** Secondary text. */
    public static final Color MUTED = new Color(0x77, 0x77, 0x77);
    /** Grid lines and frames. */
    public static final Color GRID = new Color(0xE8, 0xE8, 0xE8);
    /** Light series (raw values). */
    public static final Color LIGHT = new Color(0x9E, 0xC5, 0xEA);
    /** Main series (lines). */
    public static final Color PRIMARY = new Color(0x1F, 0x5A, 0xA6);
    /** Markers (measurements). */
    public static final Color ACCENT = new Color(0xE8, 0x71, 0x1A);

    /** Chart title. */
    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    /** Axis labels and ticks. */
    public static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Legends. */
    public static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private static final Logger logger = LoggerFactory.getLogger(PlotCanvas.class);

    private final BufferedImage image;
    private final Graphics2D g;
    private final int left;
    private final int right;
    private final int top;
    private final int bottom;
    /** Cleared once drawing text fails (no fonts installed); the chart is then drawn without text. */
    private boolean textWorks = true;

    /**
     * A white canvas whose plot area leaves room for a title, tick labels and axis titles.
     *
     * @param width pixels
     * @param height pixels
     */
    public PlotCanvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        left = 76;
        right = width - 28;
        top = 52;
        bottom = height - 58;
    }

    /** @return the graphics to draw series with */
    public Graphics2D graphics() {
        return g;
    }

    /**
     * @param x an axis
     * @param value a value on it
     * @return its pixel column
     */
    public double px(Axis x, double value) {
        return left + x.fraction(value) * (right - left);
    }

    /**
     * @param y an axis
     * @param value a value on it
     * @return its pixel row
     */
    public double py(Axis y, double value) {
        return bottom - y.fraction(value) * (bottom - top);
    }

    /**
     * Draws grid lines at the axes' ticks, the two axis lines, tick labels and axis titles.
     *
     * @param x horizontal axis
     * @param y vertical axis
     * @param xTitle title under the x axis
     * @param yTitle title beside the y axis, drawn rotated
     */
    public void axes(Axis x, Axis y, String xTitle, String yTitle) {
        grid(x, y);
        frame(x, y, xTitle, yTitle);
    }

    /**
     * Grid lines at the axes' ticks, for charts that draw series between grid and frame.
     *
     * @param x horizontal axis
     * @param y vertical axis
     */
    public void grid(Axis x, Axis y) {
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID);
        for (double t : x.ticks()) {
            g.draw(new Line2D.Double(px(x, t), top, px(x, t), bottom));
        }
        for (double t : y.ticks()) {
            g.draw(new Line2D.Double(left, py(y, t), right, py(y, t)));
        }
    }

    /**
     * The two axis lines, tick marks, tick labels and axis titles.
     *
     * @param x horizontal axis
     * @param y vertical axis
     * @param xTitle title under the x axis
     * @param yTitle title beside the y axis, drawn rotated
     */
    public void frame(Axis x, Axis y, String xTitle, String yTitle) {
        g.setStroke(new BasicStroke(1f));
        g.setColor(INK);
        g.draw(new Line2D.Double(left, bottom, right, bottom));
        g.draw(new Line2D.Double(left, top, left, bottom));
        for (double t : y.ticks()) {
            double py = py(y, t);
            g.setColor(INK);
            g.draw(new Line2D.Double(left - 5, py, left, py));
            String label = y.label(t);
            text(label, LABEL, left - 8 - textWidth(label, LABEL), (float) py + 4);
        }
        for (double t : x.ticks()) {
            double px = px(x, t);
            g.setColor(INK);
            g.draw(new Line2D.Double(px, bottom, px, bottom + 5));
            centred(x.label(t), LABEL, (float) px, bottom + 20);
        }
        g.setColor(MUTED);
        centred(xTitle, LABEL, (left + right) / 2f, image.getHeight() - 14);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        // rotated: x runs up the image, y to the right
        centred(yTitle, LABEL, -(top + bottom) / 2f, 20);
        g.setTransform(saved);
    }

    /** @return the plot area's left column */
    public int left() {
        return left;
    }

    /** @return the plot area's right column */
    public int right() {
        return right;
    }

    /** @return the plot area's top row */
    public int top() {
        return top;
    }

    /** @return the plot area's bottom row */
    public int bottom() {
        return bottom;
    }

    /**
     * A title at the top left and a note at the top right.
     *
     * @param title bold title
     * @param note muted note, may be empty
     */
    public void title(String title, String note) {
        g.setColor(INK);
        text(title, TITLE, left, 30);
        g.setColor(MUTED);
        text(note, LABEL, right - textWidth(note, LABEL), 30);
    }

    /**
     * A dot marker with a white rim, as held-out losses in {@code loss.png}.
     *
     * @param cx centre column
     * @param cy centre row
     * @param colour fill colour
     */
    public void dot(double cx, double cy, Color colour) {
        Ellipse2D dot = new Ellipse2D.Double(cx - 4.5, cy - 4.5, 9, 9);
        g.setStroke(new BasicStroke(1.5f));
        g.setColor(colour);
        g.fill(dot);
        g.setColor(Color.WHITE);
        g.draw(dot);
    }

    /**
     * A legend box in the top right corner of the plot area.
     *
     * @param entries one row each: a marker and its label
     */
    public void legend(List<LegendEntry> entries) {
        int textWidth = 0;
        for (LegendEntry e : entries) {
            textWidth = Math.max(textWidth, textWidth(e.label(), SMALL));
        }
        int rowHeight = 17;
        int w = 38 + textWidth + 10;
        int h = entries.size() * rowHeight + 8;
        int x0 = right - w - 10;
        int y0 = top + 10;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(x0, y0, w, h);
        g.setColor(GRID);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x0, y0, w, h);
        for (int i = 0; i < entries.size(); i++) {
            LegendEntry e = entries.get(i);
            double cy = y0 + 4 + rowHeight * i + rowHeight / 2.0;
            if (e.marker() == LegendEntry.Marker.DOT) {
                dot(x0 + 19, cy, e.colour());
            } else {
                g.setColor(e.colour());
                g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new Line2D.Double(x0 + 8, cy, x0 + 30, cy));
            }
            g.setColor(INK);
            text(e.label(), SMALL, x0 + 38, (float) cy + 4);
        }
    }

    /**
     * One legend row.
     *
     * @param label the text
     * @param colour the marker's colour
     * @param marker a dot or a line
     */
    public record LegendEntry(String label, Color colour, Marker marker) {
        /** How a legend row is marked. */
        public enum Marker {
            /** A dot, for measured points. */
            DOT,
            /** A bold line, for curves. */
            LINE
        }
    }

    /**
     * @param s text
     * @param font its font
     * @param cx centre column
     * @param baseline baseline row
     */
    public void centred(String s, Font font, float cx, float baseline) {
        text(s, font, cx - textWidth(s, font) / 2f, baseline);
    }

    /**
     * Draws text in the current colour; nothing if fonts do not work on this platform.
     *
     * @param s text
     * @param font its font
     * @param x left column
     * @param baseline baseline row
     */
    public void text(String s, Font font, float x, float baseline) {
        if (!textWorks || s.isEmpty()) {
            return;
        }
        try {
            g.setFont(font);
            g.drawString(s, x, baseline);
        } catch (RuntimeException | Error e) {
            noText(e);
        }
    }

    /**
     * @param s text
     * @param font its font
     * @return its width in pixels, 0 if fonts do not work
     */
    public int textWidth(String s, Font font) {
        if (!textWorks || s.isEmpty()) {
            return 0;
        }
        try {
            return g.getFontMetrics(font).stringWidth(s);
        } catch (RuntimeException | Error e) {
            noText(e);
            return 0;
        }
    }

    /**
     * Writes the chart as a PNG, atomically, creating the file's folders, and releases the
     * graphics: the canvas cannot be drawn on afterwards.
     *
     * @param file the PNG
     * @throws SoloException naming the file if it cannot be written
     */
    public void writePng(Path file) {
        BufferedImage done = finish();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new SoloException("cannot create the folder of " + file + ": " + e, e);
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(done, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /**
     * Releases the graphics and returns the picture: the canvas cannot be drawn on afterwards.
     *
     * @return the chart
     */
    public BufferedImage finish() {
        g.dispose();
        return image;
    }

    /**
     * Font rendering failed: draw the rest without text. A JDK without usable fonts throws from
     * deep inside AWT, typically an {@link InternalError} ("Fontconfig head is null"); other
     * virtual-machine errors (out of memory, stack overflow) are not about fonts and propagate.
     */
    private void noText(Throwable e) {
        if (e instanceof VirtualMachineError vm && !(e instanceof InternalError)) {
            throw vm;
        }
        textWorks = false;
        logger.warn("Cannot render text ({}); the chart is drawn without labels", e.toString());
    }

    /** A chart axis: where a value falls along it, its ticks and their labels. */
    public interface Axis {
        /**
         * @param value a value
         * @return its position along the axis, 0 at the low end and 1 at the high end
         */
        double fraction(double value);

        /** @return values to mark */
        List<Double> ticks();

        /**
         * @param tick a value of {@link #ticks()}
         * @return its label
         */
        String label(double tick);
    }
}
