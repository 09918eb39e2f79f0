package ai.solo.examples.quickstart;

import java.util.HashMap;
import java.util.Map;

/**
 * A 5x7 bitmap font for digits and capital letters: chart labels always use it, and rendered
 * text falls back to it when the JVM has no usable fonts (headless images without fontconfig).
 */
final class BitmapFont {
    static final int GLYPH_WIDTH = 5;
    static final int GLYPH_HEIGHT = 7;
    /** Advance per character, in font pixels: the glyph and one column of spacing. */
    static final int ADVANCE = GLYPH_WIDTH + 1;

    private static final String CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String[] ROWS = {
        " ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### ",
        "  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        " ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####",
        "#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### ",
        "   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # ",
        "#####", "#    ", "#### ", "    #", "    #", "#   #", " ### ",
        "  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### ",
        "#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   ",
        " ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### ",
        " ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  ",
        " ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        "#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ",
        " ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### ",
        "#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ",
        "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####",
        "#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ",
        " ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####",
        "#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #",
        " ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ",
        "  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  ",
        "#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #",
        "#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####",
        "#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #",
        "#   #", "#   #", "##  #", "# # #", "#  ##", "#   #", "#   #",
        " ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        "#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ",
        " ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #",
        "#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #",
        " ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ",
        "#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ",
        "#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ",
        "#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ",
        "#   #", "#   #", "#   #", "# # #", "# # #", "# # #", " # # ",
        "#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #",
        "#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ",
        "#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####",
    };
    /** Per character, 7 rows of 5 bits, most significant bit = leftmost column. */
    private static final Map<Character, int[]> GLYPHS = new HashMap<>();

    static {
        for (int c = 0; c < CHARS.length(); c++) {
            int[] rows = new int[GLYPH_HEIGHT];
            for (int row = 0; row < GLYPH_HEIGHT; row++) {
                String line = ROWS[c * GLYPH_HEIGHT + row];
                for (int col = 0; col < GLYPH_WIDTH; col++) {
                    rows[row] = rows[row] << 1 | (line.charAt(col) == '#' ? 1 : 0);
                }
            }
            GLYPHS.put(CHARS.charAt(c), rows);
        }
    }

    private BitmapFont() {
    }

    /** @return the width in image pixels of {@code text} drawn at {@code scale}, without trailing spacing */
    static int width(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
    }

    /**
     * Draws {@code text} (digits and capitals; anything else is left blank) with each font pixel
     * a {@code scale x scale} block.
     */
    static void draw(int[] pixels, int imageWidth, String text, int left, int top, int scale, int rgb) {
        int imageHeight = pixels.length / imageWidth;
        for (int i = 0; i < text.length(); i++) {
            int[] rows = GLYPHS.get(text.charAt(i));
            if (rows == null) {
                continue;
            }
            for (int row = 0; row < GLYPH_HEIGHT; row++) {
                for (int col = 0; col < GLYPH_WIDTH; col++) {
                    if ((rows[row] >> (GLYPH_WIDTH - 1 - col) & 1) == 0) {
                        continue;
                    }
                    int x0 = left + (i * ADVANCE + col) * scale;
                    int y0 = top + row * scale;
                    for (int y = Math.max(0, y0); y < Math.min(imageHeight, y0 + scale); y++) {
                        for (int x = Math.max(0, x0); x < Math.min(imageWidth, x0 + scale); x++) {
                            pixels[y * imageWidth + x] = rgb;
                        }
                    }
                }
            }
        }
    }
}
