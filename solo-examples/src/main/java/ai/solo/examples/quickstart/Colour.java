package ai.solo.examples.quickstart;

import java.util.Locale;

/** The eight colours shapes and bars are painted in, with the exact RGB drawn. */
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
    /** White. */
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
