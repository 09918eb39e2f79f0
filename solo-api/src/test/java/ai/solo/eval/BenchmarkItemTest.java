package ai.solo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of benchmark items and benchmarks. */
class BenchmarkItemTest {

    @Test
    void multipleChoiceItemKnowsItsAnswer() {
        BenchmarkItem item = BenchmarkItem.multipleChoice("q", null, null, "Which?", List.of("red", "blue"), 1);

        assertThat(item.isMultipleChoice()).isTrue();
        assertThat(item.answerLetter()).isEqualTo("B");
        assertThat(item.answers()).containsExactly("blue");
        assertThat(item.category()).isEqualTo(BenchmarkItem.DEFAULT_CATEGORY);
    }

    @Test
    void invalidItemsNameTheirOriginAndField() {
        assertThatThrownBy(() -> new BenchmarkItem("q", "c", null, "Which?", List.of("red", "blue"), 2, List.of(),
                "b.jsonl:4")).isInstanceOf(InvalidInputException.class)
                .hasMessage("b.jsonl:4: answer index 2 is outside the 2 choices");
        assertThatThrownBy(() -> BenchmarkItem.multipleChoice("q", null, null, "Which?", List.of("red"), 0))
                .hasMessageContaining("2 to 26 options");
        assertThatThrownBy(() -> BenchmarkItem.multipleChoice("q", null, null, "Which?", List.of("red", " "), 0))
                .hasMessageContaining("choices[1] is blank");
        assertThatThrownBy(() -> BenchmarkItem.shortAnswer("q", null, null, " ", List.of("x")))
                .hasMessageContaining("\"question\"");
        assertThatThrownBy(() -> BenchmarkItem.shortAnswer("q", null, null, "What?", List.of()))
                .hasMessageContaining("at least one non-blank answer");
    }

    @Test
    void benchmarkRejectsDuplicateIdsAndLimits() {
        BenchmarkItem a = BenchmarkItem.shortAnswer("a", "x", null, "What?", List.of("1"));
        BenchmarkItem b = BenchmarkItem.shortAnswer("b", "y", null, "What?", List.of("2"));

        assertThat(Benchmark.of("bench", List.of(a, b)).limit(1).items()).containsExactly(a);
        assertThat(Benchmark.of("bench", List.of(a, b)).categories()).containsExactly("x", "y");
        assertThatThrownBy(() -> Benchmark.of("bench", List.of(a, a))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("id \"a\" already used");
        assertThatThrownBy(() -> Benchmark.of("bench", List.of())).hasMessageContaining("no items");
    }
}
