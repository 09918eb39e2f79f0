package ai.solo.examples.quickstart;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rendered word or number (3-5 capitals or digits), typeset one character per 32-pixel cell:
 * each glyph (18-28 px high) sits inside its own patch, on a canvas one or two cells high with up
 * to two spare cells around the text. Drawn with a JVM logical font, or with the built-in 5x7
 * bitmap font when the JVM has no usable fonts.
 *
 * <p>Why cells: a glyph cut across two patches must be reassembled by the decoder from
 * fragments, which a model trained for ten minutes on two cores does not learn; one glyph per
 * patch makes reading a per-patch recognition the quickstart model learns (see {@link Scene}).
 *
 * @param width image width in pixels, a whole number of cells
 * @param height image height in pixels, a whole number of cells
 * @param text what is written; also the caption and the reading answer
 * @param style how it is drawn
 * @param ink text colour, {@code 0xRRGGBB}
 * @param paper background colour, {@code 0xRRGGBB}
 * @param left x of the first character's cell, plus a small shift of the whole text
 * @param top y of the text's cell row, plus a small shift of the whole text
 */
public record TextImage(int width, int height, String text, Style style, int ink, int paper, int left, int top)
        implements Picture {

    private static final Logger logger = LoggerFactory.getLogger(TextImage.class);
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
    private static final int CELL = Scene.CELL;
    private static final List<String> FAMILIES = List.of(Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED);
    static final List<String> WORDS = List.of(
            "CAT", "DOG", "SUN", "BOX", "CUP", "HAT", "KEY", "MAP", "PEN", "RED", "ZOO", "VAN",
            "TREE", "STAR", "BLUE", "FISH", "BIRD", "MOON", "RAIN", "BOOK", "LAMP", "CAKE", "DOOR",
            "FROG", "KITE", "LION", "NEST", "SHIP", "APPLE", "HOUSE", "RIVER", "CLOUD", "PLANT",
            "TRAIN", "HORSE", "MUSIC", "BREAD", "CHAIR", "GREEN", "LEMON");

    /** Tests set this to exercise the bitmap path on machines that do have fonts. */
    static volatile boolean forceBitmapFont;
    /** Set once font rendering has failed, so the failure is logged once and not retried. */
    private static volatile boolean fontsUnavailable;

    /**
     * How the text is drawn.
     *
     * @param family a logical font family ({@code "SansSerif"}, {@code "Serif"}, {@code "Monospaced"}),
     *     or {@code "bitmap"} for the built-in font
     * @param bold whether the font is bold (always false for the bitmap font)
     * @param size font size in points, or for the bitmap font the pixels per font pixel
     */
    public record Style(String family, boolean bold, int size) {

        /** @return whether this is the built-in bitmap font */
        public boolean bitmap() {
            return family.equals("bitmap");
        }

        Font font() {
            return new Font(family, bold ? Font.BOLD : Font.PLAIN, size);
        }
    }

    @Override
    public String caption() {
        return text;
    }

    @Override
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(pixels, paper);
        if (style.bitmap()) {
            int glyphWidth = BitmapFont.GLYPH_WIDTH * style.size();
            int glyphHeight = BitmapFont.GLYPH_HEIGHT * style.size();
            for (int i = 0; i < text.length(); i++) {
                BitmapFont.draw(pixels, width, text.substring(i, i + 1), left + i * CELL + (CELL - glyphWidth) / 2,
                        top + (CELL - glyphHeight) / 2, style.size(), ink);
            }
            return image;
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            Font font = style.font();
            g.setFont(font);
            g.setColor(new Color(ink));
            for (int i = 0; i < text.length(); i++) {
                String ch = text.substring(i, i + 1);
                Rectangle2D bounds = font.createGlyphVector(FRC, ch).getVisualBounds();
                // centre the glyph's ink, not its advance box, in the cell
                float x = (float) (left + i * CELL + (CELL - bounds.getWidth()) / 2 - bounds.getX());
                float y = (float) (top + (CELL - bounds.getHeight()) / 2 - bounds.getY());
                g.drawString(ch, x, y);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Draws a random word (60%) or 3-5 digit number, its style, colours and place: a canvas of
     * the text's cells plus 0-2 spare ones, one or two cells high.
     */
    static TextImage random(SplittableRandom r) {
        String text;
        if (r.nextInt(5) < 3) {
            text = WORDS.get(r.nextInt(WORDS.size()));
        } else {
            StringBuilder digits = new StringBuilder();
            int n = 3 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                digits.append((char) ('0' + r.nextInt(10)));
            }
            text = digits.toString();
        }
        int paper = 0xD8D8D8 + r.nextInt(0x28) * 0x010101;
        int ink = 0x101010 + r.nextInt(3) * 0x080808;
        int spare = r.nextInt(3);
        int rows = 1 + r.nextInt(2);
        int columns = text.length() + spare;
        int left = r.nextInt(spare + 1) * CELL + r.nextInt(5) - 2;
        int top = r.nextInt(rows) * CELL + r.nextInt(5) - 2;
        String family = FAMILIES.get(r.nextInt(FAMILIES.size()));
        boolean bold = r.nextBoolean();
        int fontSize = 24 + r.nextInt(7);
        int bitmapScale = 3 + r.nextInt(2);
        if (!forceBitmapFont && !fontsUnavailable) {
            Style style = new Style(family, bold, fontSize);
            try {
                style.font().createGlyphVector(FRC, text).getVisualBounds(); // fails here if there are no fonts
                return new TextImage(columns * CELL, rows * CELL, text, style, ink, paper, left, top);
            } catch (InternalError | LinkageError | RuntimeException e) {
                // "Fontconfig head is null" and friends: the JVM cannot load any font here.
                fontsUnavailable = true;
                logger.warn("Font rendering unavailable ({}); drawing text with the built-in bitmap font", e.toString());
            }
        }
        return new TextImage(columns * CELL, rows * CELL, text, new Style("bitmap", false, bitmapScale), ink, paper,
                left, top);
    }
}
