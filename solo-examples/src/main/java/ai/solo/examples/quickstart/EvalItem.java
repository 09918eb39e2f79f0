package ai.solo.examples.quickstart;

import ai.solo.generate.Prompt;
import java.util.List;

/**
 * One exact-match evaluation question: an image followed by the question, and the canonical
 * short answer a trained model should produce.
 *
 * @param prompt the image then the question, ready for a generator
 * @param question the question text (also the prompt's text part)
 * @param answer the expected answer, e.g. {@code "red star"}, {@code "3"}, {@code "left"}
 * @param category one of {@link #CATEGORIES}
 */
public record EvalItem(Prompt prompt, String question, String answer, String category) {

    /** Naming colour and shape of a single shape. */
    public static final String COLOUR_SHAPE = "colour+shape";
    /** Counting the shapes of a scene. */
    public static final String COUNTING = "counting";
    /** Telling whether a named shape is on the left or the right. */
    public static final String POSITION = "position";
    /** Reading a rendered word or number. */
    public static final String READING = "reading";
    /** Reading a bar chart. */
    public static final String CHART = "chart";
    /** The categories in the order {@link SyntheticData#sft} cycles through them. */
    public static final List<String> CATEGORIES = List.of(COLOUR_SHAPE, COUNTING, POSITION, READING, CHART);

    /**
     * @param answer what the model generated
     * @return whether it matches {@link #answer()} after trimming, ignoring case and a final period
     */
    public boolean matches(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.strip();
        if (a.endsWith(".")) {
            a = a.substring(0, a.length() - 1).strip();
        }
        return a.equalsIgnoreCase(this.answer);
    }
}
