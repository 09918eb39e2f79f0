package ai.solo.examples.quickstart;

import java.util.Locale;

/**
 * The eight colour words of the data, with the exact RGB drawn. Shapes and bars are painted in
 * the seven that show on the (always light) backgrounds, all but white; the text corpus names all
 * eight.
 */
public enum Colour {
    /** Red. */
    RED(0xDC1E1E),
    /** Green. */
    GREEN(0x1EA032),
    /** Blue. */
    BLUE(0x2846DC),
    /** Yellow. */
    YELLOW(0xF0D21E),
    /** Purple. */
    PURPLE(0x8C32B4),
    /** Orange. */
    ORANGE(0xF58C14),
    /** White: named in the text corpus, never painted. */
    WHITE(0xFFFFFF),
    /** Black. */
    BLACK(0x000000);

    private final int rgb;

    Colour(int rgb) {
        this.rgb = rgb;
    }

    /** @return the colour as {@code 0xRRGGBB}, exactly as painted (shape interiors are not blended) */
    public int rgb() {
        return rgb;
    }

    /** @return the English word used in labels, captions and answers, e.g. {@code "red"} */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
