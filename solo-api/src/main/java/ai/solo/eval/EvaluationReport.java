package ai.solo.eval;

import ai.solo.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of {@link Evaluator#evaluate(Benchmark)}: metrics per category and over all items
 * (micro-averaged: every item counts once), and every item's result.
 *
 * @param benchmark the benchmark's name
 * @param categories metrics per category, sorted by name
 * @param overall metrics over all items
 * @param items per-item results, in benchmark order
 */
public record EvaluationReport(String benchmark, List<CategoryScores> categories, CategoryScores overall,
        List<ItemResult> items) {

    /** Name of the row over all items. */
    public static final String OVERALL = "overall";

    /**
     * Copies the lists.
     *
     * @param benchmark the benchmark's name
     * @param categories metrics per category
     * @param overall metrics over all items
     * @param items per-item results
     */
    public EvaluationReport {
        if (benchmark == null || overall == null) {
            throw new InvalidInputException("a report needs a benchmark name and overall scores");
        }
        categories = List.copyOf(categories);
        items = List.copyOf(items);
    }

    /**
     * Aggregates item results per category and overall.
     *
     * @param benchmark the benchmark's name
     * @param items per-item results, at least one
     * @return the report
     */
    public static EvaluationReport of(String benchmark, List<ItemResult> items) {
        if (items == null || items.isEmpty()) {
            throw new InvalidInputException("a report needs at least one item result");
        }
        Map<String, List<ItemResult>> byCategory = new TreeMap<>();
        for (ItemResult r : items) {
            byCategory.computeIfAbsent(r.category(), c -> new ArrayList<>()).add(r);
        }
        List<CategoryScores> rows = new ArrayList<>();
        byCategory.forEach((c, list) -> rows.add(CategoryScores.of(c, list)));
        return new EvaluationReport(benchmark, rows, CategoryScores.of(OVERALL, items), items);
    }

    /**
     * A plain-text table: one row per category, then the overall row; percentages with one
     * decimal, {@code -} where a metric does not apply. Columns whose metric applies to no item
     * are left out.
     *
     * <pre>
     * category        items  acc (±stderr)    acc_norm  letter  exact  f1
     * colour             10   80.0% (±13.3)    80.0%     10.0%     -      -
     * overall            20   ...
     * </pre>
     *
     * @return the table, lines ended by {@code \n}
     */
    public String table() {
        List<CategoryScores> rows = new ArrayList<>(categories);
        rows.add(overall);
        boolean mc = !Double.isNaN(overall.accuracy());
        boolean letters = !Double.isNaN(overall.letterAccuracy());
        boolean shortAnswers = !Double.isNaN(overall.exactMatch());
        int width = "category".length();
        for (CategoryScores r : rows) {
            width = Math.max(width, r.category().length());
        }
        StringBuilder out = new StringBuilder();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %5s", "category", "items"));
        if (mc) {
            header.append(String.format(Locale.ROOT, "  %-16s  %8s", "acc (±stderr)", "acc_norm"));
        }
        if (letters) {
            header.append(String.format(Locale.ROOT, "  %7s", "letter"));
        }
        if (shortAnswers) {
            header.append(String.format(Locale.ROOT, "  %6s  %6s", "exact", "f1"));
        }
        out.append(header.toString().stripTrailing()).append('\n');
        for (CategoryScores r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %5d", r.category(),
                    r.items()));
            if (mc) {
                String acc = percent(r.accuracy());
                if (!Double.isNaN(r.accuracyStderr())) {
                    acc += String.format(Locale.ROOT, " (±%.1f)", 100 * r.accuracyStderr());
                }
                line.append(String.format(Locale.ROOT, "  %-16s  %8s", acc, percent(r.accuracyNormalized())));
            }
            if (letters) {
                line.append(String.format(Locale.ROOT, "  %7s", percent(r.letterAccuracy())));
            }
            if (shortAnswers) {
                line.append(String.format(Locale.ROOT, "  %6s  %6s", percent(r.exactMatch()), percent(r.f1())));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
