package ai.solo.eval;

import ai.solo.InvalidInputException;
import ai.solo.generate.Prompt;
import java.util.List;

/**
 * One benchmark question: multiple-choice (ScienceQA, AI2D, MMStar style: choices and the index
 * of the right one) or short-answer (VQA style: one or more accepted answers).
 *
 * <pre>{@code
 * BenchmarkItem mc = BenchmarkItem.multipleChoice("q1", "colour", new Prompt.FileImage(Path.of("a.png")),
 *         "What colour is the star?", List.of("red", "green", "blue"), 0);
 * BenchmarkItem sa = BenchmarkItem.shortAnswer("q2", "reading", null, "What does the sign say?", List.of("stop"));
 * }</pre>
 *
 * @param id names the item in reports; unique within a benchmark
 * @param category groups items in the report's table
 * @param image the image asked about, or null for a text-only question
 * @param question the question text, with any context already prepended
 * @param choices the options of a multiple-choice item, 2 to 26; empty for a short-answer item
 * @param answerIndex 0-based index of the right choice; -1 for a short-answer item
 * @param answers accepted answers of a short-answer item (scored by the best match); for a
 *     multiple-choice item, the right choice's text
 * @param origin where the item came from, for messages ({@code file:line}, or any label)
 */
public record BenchmarkItem(String id, String category, Prompt.ImageSource image, String question,
        List<String> choices, int answerIndex, List<String> answers, String origin) {

    /** Category of items that name none. */
    public static final String DEFAULT_CATEGORY = "uncategorised";

    /**
     * Validates the item and copies its lists.
     *
     * @param id names the item; unique within a benchmark
     * @param category groups items; null means {@link #DEFAULT_CATEGORY}
     * @param image the image, or null
     * @param question the question text
     * @param choices the options, or empty
     * @param answerIndex index of the right choice, or -1
     * @param answers accepted answers
     * @param origin where the item came from; null means {@code id}
     */
    public BenchmarkItem {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("a benchmark item needs an id" + at(origin));
        }
        origin = origin == null ? id : origin;
        category = category == null || category.isBlank() ? DEFAULT_CATEGORY : category.strip();
        if (question == null || question.isBlank()) {
            throw new InvalidInputException(origin + ": \"question\" must be non-blank text");
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
        answers = answers == null ? List.of() : List.copyOf(answers);
        if (!choices.isEmpty()) {
            if (choices.size() < 2 || choices.size() > 26) {
                throw new InvalidInputException(origin + ": \"choices\" must hold 2 to 26 options, got " + choices.size());
            }
            for (int i = 0; i < choices.size(); i++) {
                if (choices.get(i).isBlank()) {
                    throw new InvalidInputException(origin + ": choices[" + i + "] is blank");
                }
            }
            if (answerIndex < 0 || answerIndex >= choices.size()) {
                throw new InvalidInputException(origin + ": answer index " + answerIndex + " is outside the "
                        + choices.size() + " choices");
            }
            answers = List.of(choices.get(answerIndex));
        } else {
            if (answerIndex != -1) {
                throw new InvalidInputException(origin + ": an answer index needs choices; a short-answer item has "
                        + "answer index -1");
            }
            if (answers.isEmpty() || answers.stream().anyMatch(a -> a.isBlank())) {
                throw new InvalidInputException(origin + ": a short-answer item needs at least one non-blank answer");
            }
        }
    }

    /**
     * @param id names the item
     * @param category groups items, or null
     * @param image the image, or null
     * @param question the question
     * @param choices 2 to 26 options
     * @param answerIndex 0-based index of the right option
     * @return a multiple-choice item
     */
    public static BenchmarkItem multipleChoice(String id, String category, Prompt.ImageSource image, String question,
            List<String> choices, int answerIndex) {
        if (choices == null || choices.isEmpty()) {
            throw new InvalidInputException(id + ": a multiple-choice item needs choices");
        }
        return new BenchmarkItem(id, category, image, question, choices, answerIndex, List.of(), null);
    }

    /**
     * @param id names the item
     * @param category groups items, or null
     * @param image the image, or null
     * @param question the question
     * @param answers accepted answers, at least one
     * @return a short-answer item
     */
    public static BenchmarkItem shortAnswer(String id, String category, Prompt.ImageSource image, String question,
            List<String> answers) {
        return new BenchmarkItem(id, category, image, question, List.of(), -1, answers, null);
    }

    /** @return whether the item has choices */
    public boolean isMultipleChoice() {
        return !choices.isEmpty();
    }

    /** @return the right choice's letter ({@code A} for index 0), or null for a short-answer item */
    public String answerLetter() {
        return isMultipleChoice() ? AnswerMetrics.letter(answerIndex) : null;
    }

    private static String at(String origin) {
        return origin == null ? "" : " (" + origin + ")";
    }
}
