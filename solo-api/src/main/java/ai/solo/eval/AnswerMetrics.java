package ai.solo.eval;

import ai.solo.InvalidInputException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores a generated answer against references: SQuAD's exact match and token F1 for short
 * answers, and the choice letter a generated multiple-choice answer names. Pure functions,
 * thread-safe.
 *
 * <p>Normalisation is SQuAD's {@code normalize_answer}: lower case, remove ASCII punctuation,
 * remove the articles {@code a}, {@code an}, {@code the}, collapse whitespace. So
 * {@code "The Red star."} matches {@code "red star"}.
 *
 * <pre>{@code
 * AnswerMetrics.exactMatch("The cat!", "cat");                 // 1.0
 * AnswerMetrics.tokenF1("a red star", "the red square");       // 0.5
 * AnswerMetrics.choiceIndex("The answer is (B).", 4);          // 1
 * }</pre>
 */
public final class AnswerMetrics {
    /** {@code string.punctuation} of Python: what SQuAD's normalisation removes. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** A leading "The correct answer is", "Answer:", "Option" and the like. */
    private static final Pattern ANSWER_PREFIX = Pattern.compile(
            "^(?:the\\s+)?(?:(?:correct|right|best|final)\\s+)?(?:answer|option|choice)(?:\\s+is)?\\s*[:\\-]?\\s*",
            Pattern.CASE_INSENSITIVE);
    /** A letter standing alone: "B", "(B)", "[B]", "B." with nothing after. */
    private static final Pattern LONE_LETTER = Pattern.compile("^[(\\[]?([A-Za-z])[)\\].:,]?$");
    /** A letter opening the answer and marked as a choice: "B. red", "(B) red", "B) red", "B: red". */
    private static final Pattern MARKED_LETTER = Pattern.compile("^(?:[(\\[]([A-Z])[)\\]]|([A-Z])[.):])(?:\\s|$)");
    /** "answer is B", "answer: (B)" anywhere in the text. */
    private static final Pattern STATED_LETTER = Pattern.compile(
            "(?i:answer|option|choice)(?:\\s+(?i:is))?\\s*[:\\-]?\\s*[(\\[]?([A-Z])(?![A-Za-z])");

    private AnswerMetrics() {
    }

    /**
     * SQuAD's {@code normalize_answer}.
     *
     * @param text any text
     * @return lower case, without ASCII punctuation and articles, whitespace collapsed to single spaces
     */
    public static String normalize(String text) {
        requireText(text, "text");
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                kept.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(kept).replaceAll(" ");
        return WHITESPACE.matcher(noArticles).replaceAll(" ").strip();
    }

    /**
     * @param prediction the generated answer
     * @param reference a correct answer
     * @return 1 if both normalise to the same text, else 0
     */
    public static double exactMatch(String prediction, String reference) {
        return normalize(prediction).equals(normalize(reference)) ? 1 : 0;
    }

    /**
     * SQuAD's token F1: the harmonic mean of precision and recall of the normalised answer's
     * words, counting repeated words as often as both sides have them. When either side
     * normalises to nothing, 1 if both do, else 0 (SQuAD 2.0's rule for empty answers).
     *
     * @param prediction the generated answer
     * @param reference a correct answer
     * @return F1 in [0, 1]
     */
    public static double tokenF1(String prediction, String reference) {
        List<String> predicted = words(normalize(prediction));
        List<String> gold = words(normalize(reference));
        if (predicted.isEmpty() || gold.isEmpty()) {
            return predicted.isEmpty() && gold.isEmpty() ? 1 : 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String w : gold) {
            counts.merge(w, 1, Integer::sum);
        }
        int same = 0;
        for (String w : predicted) {
            Integer left = counts.get(w);
            if (left != null && left > 0) {
                counts.put(w, left - 1);
                same++;
            }
        }
        if (same == 0) {
            return 0;
        }
        double precision = (double) same / predicted.size();
        double recall = (double) same / gold.size();
        return 2 * precision * recall / (precision + recall);
    }

    /**
     * @param prediction the generated answer
     * @param references the correct answers, at least one
     * @return the best {@link #exactMatch} over the references, as SQuAD scores several
     */
    public static double exactMatch(String prediction, List<String> references) {
        requireReferences(references);
        double best = 0;
        for (String r : references) {
            best = Math.max(best, exactMatch(prediction, r));
        }
        return best;
    }

    /**
     * @param prediction the generated answer
     * @param references the correct answers, at least one
     * @return the best {@link #tokenF1} over the references
     */
    public static double tokenF1(String prediction, List<String> references) {
        requireReferences(references);
        double best = 0;
        for (String r : references) {
            best = Math.max(best, tokenF1(prediction, r));
        }
        return best;
    }

    /**
     * The choice a generated answer names by letter. Recognised, after stripping whitespace and
     * a leading "The answer is" / "Answer:" / "Option": a letter alone ({@code B}, {@code (b)},
     * {@code B.}); an answer opening with a marked capital letter ({@code B. red},
     * {@code (B) red}, {@code B) red}, {@code B: red}); or "answer is B" anywhere. A capital
     * letter followed by a space only ({@code A cat}) is read as a word, not a choice.
     *
     * @param generated the generated text
     * @param choiceCount choices of the question (letters A up to the last choice's count)
     * @return the 0-based choice index, or -1 if no letter of a choice is found
     */
    public static int choiceIndex(String generated, int choiceCount) {
        requireText(generated, "generated");
        if (choiceCount < 1 || choiceCount > 26) {
            throw new InvalidInputException("choiceCount must be in [1, 26], got " + choiceCount);
        }
        String s = generated.strip();
        String rest = ANSWER_PREFIX.matcher(s).replaceFirst("").strip();
        Matcher m = LONE_LETTER.matcher(rest);
        int index = -1;
        if (m.matches()) {
            index = Character.toUpperCase(m.group(1).charAt(0)) - 'A';
        } else if ((m = MARKED_LETTER.matcher(rest)).find()) {
            index = (m.group(1) != null ? m.group(1) : m.group(2)).charAt(0) - 'A';
        } else if ((m = STATED_LETTER.matcher(s)).find()) {
            index = m.group(1).charAt(0) - 'A';
        }
        return index >= 0 && index < choiceCount ? index : -1;
    }

    /**
     * @param index a 0-based choice index below 26
     * @return its letter, {@code A} for 0
     */
    public static String letter(int index) {
        if (index < 0 || index >= 26) {
            throw new InvalidInputException("choice index must be in [0, 26), got " + index);
        }
        return String.valueOf((char) ('A' + index));
    }

    private static List<String> words(String normalized) {
        return normalized.isEmpty() ? List.of() : Arrays.asList(normalized.split(" "));
    }

    private static void requireText(String text, String name) {
        if (text == null) {
            throw new InvalidInputException(name + " must not be null");
        }
    }

    private static void requireReferences(List<String> references) {
        if (references == null || references.isEmpty()) {
            throw new InvalidInputException("references must hold at least one answer");
        }
    }
}
