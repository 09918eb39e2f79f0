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
 * A rendered word or number (3-5 capitals or digits), large enough to read through 32-pixel
 * patches: glyphs about 30-45 px high on a canvas sized to the text plus margins. Drawn with a
 * JVM logical font, or with the built-in 5x7 bitmap font when the JVM has no usable fonts.
 *
 * @param width image width in pixels
 * @param height image height in pixels
 * @param text what is written; also the caption and the reading answer
 * @param style how it is drawn
 * @param ink text colour, {@code 0xRRGGBB}
 * @param paper background colour, {@code 0xRRGGBB}
 * @param left x of the text's origin (font: baseline start; bitmap: top-left corner)
 * @param top y of the text's origin (font: the baseline; bitmap: the top edge)
 */
public record TextImage(int width, int height, String text, Style style, int ink, int paper, int left, int top)
        implements Picture {

    private static final Logger logger = LoggerFactory.getLogger(TextImage.class);
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
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
            BitmapFont.draw(pixels, width, text, left, top, style.size(), ink);
            return image;
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setFont(style.font());
            g.setColor(new Color(ink));
            g.drawString(text, left, top);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Draws a random word (60%) or 3-5 digit number, its style, colours and margins. */
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
        boolean darkPaper = r.nextInt(4) == 0;
        int paper = darkPaper ? 0x202020 + r.nextInt(0x30) * 0x010101 : 0xD8D8D8 + r.nextInt(0x28) * 0x010101;
        int ink = darkPaper ? 0xF0F0F0 : 0x101010 + r.nextInt(3) * 0x080808;
        int marginX = 6 + r.nextInt(16);
        int marginY = 6 + r.nextInt(10);
        String family = FAMILIES.get(r.nextInt(FAMILIES.size()));
        boolean bold = r.nextBoolean();
        int fontSize = 40 + r.nextInt(21);
        int bitmapScale = 4 + r.nextInt(3);
        int extraX = r.nextInt(12);
        int extraY = r.nextInt(8);
        if (!forceBitmapFont && !fontsUnavailable) {
            Style style = new Style(family, bold, fontSize);
            try {
                Rectangle2D ink2d = style.font().createGlyphVector(FRC, text).getVisualBounds();
                int w = (int) Math.ceil(ink2d.getWidth()) + 2 * marginX + extraX;
                int h = (int) Math.ceil(ink2d.getHeight()) + 2 * marginY + extraY;
                int x = marginX - (int) Math.floor(ink2d.getX());
                int y = marginY - (int) Math.floor(ink2d.getY());
                return new TextImage(w, h, text, style, ink, paper, x, y);
            } catch (InternalError | LinkageError | RuntimeException e) {
                // "Fontconfig head is null" and friends: the JVM cannot load any font here.
                fontsUnavailable = true;
                logger.warn("Font rendering unavailable ({}); drawing text with the built-in bitmap font", e.toString());
            }
        }
        Style style = new Style("bitmap", false, bitmapScale);
        int w = BitmapFont.width(text, bitmapScale) + 2 * marginX + extraX;
        int h = BitmapFont.GLYPH_HEIGHT * bitmapScale + 2 * marginY + extraY;
        return new TextImage(w, h, text, style, ink, paper, marginX, marginY);
    }
}
