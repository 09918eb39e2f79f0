package ai.solo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SQuAD's answer metrics and the choice-letter reader, on hand-computed values. */
class AnswerMetricsTest {

    @Test
    void normalizationLowercasesAndDropsPunctuationArticlesAndExtraSpace() {
        assertThat(AnswerMetrics.normalize("  The Red-star, an  apple!  ")).isEqualTo("redstar apple");
        assertThat(AnswerMetrics.normalize("A theatre")).isEqualTo("theatre"); // "the" only as a word
        assertThat(AnswerMetrics.normalize("...")).isEmpty();
    }

    @Test
    void exactMatchComparesNormalizedAnswers() {
        assertThat(AnswerMetrics.exactMatch("The cat!", "cat")).isEqualTo(1.0);
        assertThat(AnswerMetrics.exactMatch("a black cat", "cat")).isEqualTo(0.0);
        assertThat(AnswerMetrics.exactMatch("two", List.of("2", "Two."))).isEqualTo(1.0);
    }

    @Test
    void tokenF1CountsSharedWordsAsSquadDoes() {
        // "red star" vs "red square": 1 shared word, precision 1/2, recall 1/2
        assertThat(AnswerMetrics.tokenF1("a red star", "the red square")).isEqualTo(0.5);
        // "red red star" vs "red star": 2 shared (red once, star once), precision 2/3, recall 1 -> 0.8
        assertThat(AnswerMetrics.tokenF1("red red star", "red star")).isCloseTo(0.8, within(1e-12));
        // precision 1/1, recall 1/3 -> 0.5
        assertThat(AnswerMetrics.tokenF1("star", "big red star")).isCloseTo(0.5, within(1e-12));
        assertThat(AnswerMetrics.tokenF1("blue", "red")).isZero();
        assertThat(AnswerMetrics.tokenF1("the", "a")).isEqualTo(1.0);   // both empty after normalisation
        assertThat(AnswerMetrics.tokenF1("the", "cat")).isZero();
        assertThat(AnswerMetrics.tokenF1("red star", List.of("blue", "red star"))).isEqualTo(1.0);
    }

    @Test
    void choiceLettersAreReadFromCommonAnswerShapes() {
        assertThat(AnswerMetrics.choiceIndex("B", 4)).isEqualTo(1);
        assertThat(AnswerMetrics.choiceIndex(" (c) ", 4)).isEqualTo(2);
        assertThat(AnswerMetrics.choiceIndex("B.", 4)).isEqualTo(1);
        assertThat(AnswerMetrics.choiceIndex("D. the blue one", 4)).isEqualTo(3);
        assertThat(AnswerMetrics.choiceIndex("(A) red", 4)).isEqualTo(0);
        assertThat(AnswerMetrics.choiceIndex("The answer is C.", 4)).isEqualTo(2);
        assertThat(AnswerMetrics.choiceIndex("Answer: (B)", 4)).isEqualTo(1);
        assertThat(AnswerMetrics.choiceIndex("I think the answer is B because it is red", 4)).isEqualTo(1);
    }

    @Test
    void wordsAndLettersBeyondTheChoicesAreNoAnswer() {
        assertThat(AnswerMetrics.choiceIndex("A cat", 4)).isEqualTo(-1);
        assertThat(AnswerMetrics.choiceIndex("red star", 4)).isEqualTo(-1);
        assertThat(AnswerMetrics.choiceIndex("E", 4)).isEqualTo(-1);
        assertThat(AnswerMetrics.choiceIndex("", 4)).isEqualTo(-1);
    }

    @Test
    void lettersAndArgumentsAreChecked() {
        assertThat(AnswerMetrics.letter(0)).isEqualTo("A");
        assertThat(AnswerMetrics.letter(25)).isEqualTo("Z");
        assertThatThrownBy(() -> AnswerMetrics.letter(26)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AnswerMetrics.exactMatch("x", List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> AnswerMetrics.choiceIndex("A", 0)).isInstanceOf(InvalidInputException.class);
    }
}
