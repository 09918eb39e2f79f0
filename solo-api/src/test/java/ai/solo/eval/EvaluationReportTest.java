package ai.solo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Aggregation of item results into category rows and the printed table. */
class EvaluationReportTest {

    private static ItemResult choice(String id, String category, int answer, int predicted, int norm, String generated,
            int lettered) {
        return new ItemResult(id, category, answer, List.of("x"), List.of(-1.0, -2.0, -3.0), List.of(1, 2, 3),
                predicted, norm, generated, lettered, Double.NaN, Double.NaN);
    }

    private static ItemResult shortAnswer(String id, String category, double em, double f1) {
        return new ItemResult(id, category, -1, List.of("red star"), List.of(), List.of(), -1, -1, "red", -1, em, f1);
    }

    @Test
    void categoriesAreMicroAveragedOverTheItemsEachMetricAppliesTo() {
        EvaluationReport r = EvaluationReport.of("bench", List.of(
                choice("1", "colour", 0, 0, 1, "A", 0),
                choice("2", "colour", 1, 0, 1, "C", 2),
                choice("3", "count", 2, 2, 2, null, -1),
                shortAnswer("4", "count", 0, 0.5),
                shortAnswer("5", "reading", 1, 1.0)));

        assertThat(r.categories()).extracting(CategoryScores::category).containsExactly("colour", "count", "reading");
        CategoryScores colour = r.categories().get(0);
        assertThat(colour.accuracy()).isEqualTo(0.5);
        assertThat(colour.accuracyStderr()).isCloseTo(Math.sqrt(0.25 / 1), within(1e-12));
        assertThat(colour.accuracyNormalized()).isEqualTo(0.5);
        assertThat(colour.letterAccuracy()).isEqualTo(0.5);
        assertThat(colour.exactMatch()).isNaN();
        CategoryScores count = r.categories().get(1);
        assertThat(count.accuracy()).isEqualTo(1.0);
        assertThat(count.letterAccuracy()).isNaN();         // nothing generated for its choice item
        assertThat(count.f1()).isEqualTo(0.5);
        CategoryScores all = r.overall();
        assertThat(all.items()).isEqualTo(5);
        assertThat(all.multipleChoice()).isEqualTo(3);
        assertThat(all.shortAnswer()).isEqualTo(2);
        assertThat(all.accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(all.letterAccuracy()).isEqualTo(0.5);
        assertThat(all.exactMatch()).isEqualTo(0.5);
        assertThat(all.f1()).isEqualTo(0.75);
    }

    @Test
    void tableHasARowPerCategoryThenOverallAndDashesWhereAMetricDoesNotApply() {
        EvaluationReport r = EvaluationReport.of("bench", List.of(choice("1", "colour", 0, 0, 0, "A", 0),
                shortAnswer("2", "reading", 0, 0.5)));

        List<String> lines = r.table().lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("category", "items", "acc (±stderr)", "acc_norm", "letter", "exact", "f1");
        assertThat(lines.get(1)).startsWith("colour").contains("100.0%").endsWith("-");
        assertThat(lines.get(2)).startsWith("reading").contains(" - ");
        assertThat(lines.get(3)).startsWith("overall").contains("100.0%", "0.0%", "50.0%");
    }

    @Test
    void columnsOfMetricsThatApplyToNoItemAreLeftOut() {
        EvaluationReport r = EvaluationReport.of("bench", List.of(shortAnswer("1", "a", 1, 1), shortAnswer("2", "a", 0, 0)));

        assertThat(r.table().lines().findFirst().orElseThrow()).doesNotContain("acc").contains("exact");
        assertThatThrownBy(() -> EvaluationReport.of("bench", List.of())).isInstanceOf(InvalidInputException.class);
    }
}
