package ai.solo.eval;

import ai.solo.InvalidInputException;
import java.util.List;

/**
 * The metrics of a group of items (one category, or all): means over the items each metric
 * applies to, NaN when it applies to none. Accuracies and scores are fractions in [0, 1].
 *
 * @param category the category, or {@link EvaluationReport#OVERALL}
 * @param items items in the group
 * @param multipleChoice multiple-choice items
 * @param shortAnswer short-answer items
 * @param accuracy fraction of multiple-choice items whose highest summed choice log-likelihood
 *     is the right choice (lm-eval's {@code acc})
 * @param accuracyStderr standard error of {@code accuracy}, {@code sqrt(p (1 - p) / (n - 1))} as
 *     lm-eval computes it (NaN below two items)
 * @param accuracyNormalized the same with log-likelihood per choice token (lm-eval's
 *     {@code acc_norm} divides by bytes instead)
 * @param letterAccuracy fraction of multiple-choice items whose generated answer names the
 *     right choice's letter
 * @param exactMatch mean SQuAD exact match of the short-answer items
 * @param f1 mean SQuAD token F1 of the short-answer items
 */
public record CategoryScores(String category, int items, int multipleChoice, int shortAnswer, double accuracy,
        double accuracyStderr, double accuracyNormalized, double letterAccuracy, double exactMatch, double f1) {

    /**
     * Aggregates item results.
     *
     * @param category the group's name
     * @param results the group's items, at least one
     * @return the group's metrics
     */
    public static CategoryScores of(String category, List<ItemResult> results) {
        if (results == null || results.isEmpty()) {
            throw new InvalidInputException("category " + category + " has no results");
        }
        int mc = 0;
        int scored = 0;
        int correct = 0;
        int correctNorm = 0;
        int lettered = 0;
        int letterCorrect = 0;
        int shortAnswers = 0;
        double em = 0;
        double f1 = 0;
        for (ItemResult r : results) {
            if (r.isMultipleChoice()) {
                mc++;
                if (r.scoredByLikelihood()) {
                    scored++;
                    correct += r.correct() ? 1 : 0;
                    correctNorm += r.correctNormalized() ? 1 : 0;
                }
                if (r.generated() != null) {
                    lettered++;
                    letterCorrect += r.letterCorrect() ? 1 : 0;
                }
            } else if (r.generated() != null) {
                shortAnswers++;
                em += r.exactMatch();
                f1 += r.f1();
            }
        }
        int shortItems = results.size() - mc;
        double acc = ratio(correct, scored);
        double stderr = scored < 2 ? Double.NaN : Math.sqrt(acc * (1 - acc) / (scored - 1));
        return new CategoryScores(category, results.size(), mc, shortItems, acc, stderr, ratio(correctNorm, scored),
                ratio(letterCorrect, lettered), shortAnswers == 0 ? Double.NaN : em / shortAnswers,
                shortAnswers == 0 ? Double.NaN : f1 / shortAnswers);
    }

    private static double ratio(int count, int of) {
        return of == 0 ? Double.NaN : (double) count / of;
    }
}
