package ai.solo.examples.quickstart;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bar chart of 3-5 bars labelled A, B, C..., values 1-9 with a single highest bar, laid out in
 * 32-pixel cells like the other pictures: each bar stands in its own column of cells, above a
 * row of letters and, when {@code valueLabels}, a row of values. Letters and values are drawn with
 * the bitmap font, so charts never depend on installed fonts.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param values bar values, 1-9, in label order
 * @param barColour the colour of every bar
 * @param valueLabels whether each bar's value is written above it
 */
public record Chart(int width, int height, List<Integer> values, Colour barColour, boolean valueLabels)
        implements Picture {

    private static final int PAPER = 0xF4F4F4;
    private static final int INK = 0x202020;
    private static final int CELL = Scene.CELL;
    private static final int LABEL_SCALE = 3;
    /** Three cells of plot: a value of 9 is 90 px high. */
    private static final int PLOT_CELLS = 3;
    private static final int PIXELS_PER_UNIT = 10;

    /**
     * Copies the values.
     *
     * @param width image width
     * @param height image height
     * @param values bar values
     * @param barColour bar colour
     * @param valueLabels whether values are written
     */
    public Chart {
        values = List.copyOf(values);
    }

    /**
     * @param bar bar index from 0
     * @return its letter, {@code "A"} for bar 0
     */
    public static String label(int bar) {
        return String.valueOf((char) ('A' + bar));
    }

    /** @return the index of the (unique) highest bar */
    public int highest() {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) > values.get(best)) {
                best = i;
            }
        }
        return best;
    }

    /**
     * @param bar bar index from 0
     * @return the rectangle the bar fills, in image pixels
     */
    public Rectangle bar(int bar) {
        int barWidth = 18;
        int barHeight = PIXELS_PER_UNIT * values.get(bar);
        int x = bar * CELL + (CELL - barWidth) / 2;
        return new Rectangle(x, PLOT_CELLS * CELL - barHeight, barWidth, barHeight);
    }

    /** @return e.g. {@code "a bar chart: A 3, B 7, C 2"} */
    @Override
    public String caption() {
        StringBuilder sb = new StringBuilder("a bar chart: ");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(label(i)).append(' ').append(values.get(i));
        }
        return sb.toString();
    }

    @Override
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(pixels, PAPER);
        int axis = PLOT_CELLS * CELL - 1;
        for (int x = 0; x < values.size() * CELL; x++) {
            pixels[axis * width + x] = INK;
        }
        int glyphWidth = BitmapFont.GLYPH_WIDTH * LABEL_SCALE;
        int glyphHeight = BitmapFont.GLYPH_HEIGHT * LABEL_SCALE;
        for (int i = 0; i < values.size(); i++) {
            Rectangle r = bar(i);
            for (int y = r.y; y < r.y + r.height - 1; y++) {
                for (int x = r.x; x < r.x + r.width; x++) {
                    pixels[y * width + x] = barColour.rgb();
                }
            }
            int glyphX = i * CELL + (CELL - glyphWidth) / 2;
            int glyphY = (CELL - glyphHeight) / 2;
            BitmapFont.draw(pixels, width, label(i), glyphX, PLOT_CELLS * CELL + glyphY, LABEL_SCALE, INK);
            if (valueLabels) {
                BitmapFont.draw(pixels, width, String.valueOf(values.get(i)), glyphX, (PLOT_CELLS + 1) * CELL + glyphY,
                        LABEL_SCALE, INK);
            }
        }
        return image;
    }

    /** Draws a random chart: 3-5 bars and at most one spare column; values written under 3 charts in 4. */
    static Chart random(SplittableRandom r) {
        int n = 3 + r.nextInt(3);
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(1 + r.nextInt(9));
        }
        int max = values.stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (values.indexOf(max) != values.lastIndexOf(max)) {
            // Ties would make "which bar is highest?" ambiguous: raise one of them above the rest.
            int winner = values.indexOf(max);
            if (max == 9) {
                for (int i = 0; i < n; i++) {
                    if (i != winner && values.get(i) == 9) {
                        values.set(i, 8);
                    }
                }
            } else {
                values.set(winner, max + 1);
            }
        }
        Colour colour;
        do {
            colour = Colour.values()[r.nextInt(Colour.values().length)];
        } while (colour == Colour.WHITE);
        boolean valueLabels = r.nextInt(4) > 0;
        int width = (n + r.nextInt(2)) * CELL;
        int height = (PLOT_CELLS + (valueLabels ? 2 : 1)) * CELL;
        return new Chart(width, height, values, colour, valueLabels);
    }
}
