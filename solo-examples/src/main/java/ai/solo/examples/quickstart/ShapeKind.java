package ai.solo.examples.quickstart;

import java.util.Locale;

/** The six kinds of shape a {@link Scene} holds. */
public enum ShapeKind {
    /** A filled circle. */
    CIRCLE,
    /** A filled axis-aligned square. */
    SQUARE,
    /** A filled triangle, apex up. */
    TRIANGLE,
    /** A filled five-pointed star. */
    STAR,
    /** A filled plus sign. */
    CROSS,
    /** A filled square standing on a corner. */
    DIAMOND;

    /** @return the English word used in labels, captions and answers, e.g. {@code "star"} */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
