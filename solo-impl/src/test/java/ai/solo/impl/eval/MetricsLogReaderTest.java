package ai.solo.impl.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.eval.ScalingMetric;
import ai.solo.eval.ScalingPoint;
import ai.solo.eval.TrainingCurve;
import ai.solo.impl.train.listen.JsonlMetrics;
import ai.solo.train.TrainingListener.Evaluation;
import ai.solo.train.TrainingListener.StageStart;
import ai.solo.train.TrainingListener.StepMetrics;
import ai.solo.train.TrainingSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the metrics the trainer's {@link JsonlMetrics} writes into a training curve. */
class MetricsLogReaderTest {
    @TempDir
    Path dir;

    private static StepMetrics step(String stage, long step, long steps, double loss, long tokens) {
        return new StepMetrics(stage, step, steps, loss, 1e-4, 1.0, tokens, tokens / 4, 1_000_000, false);
    }

    /** Stage "a": 4 steps of 100 tokens, evaluations after 2 and 4; stage "b": 2 steps of 50, evaluated at 2. */
    private Path twoStages() {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.onStageStart(new StageStart("a", 0, 2, 4, 0));
            for (int i = 1; i <= 4; i++) {
                m.onStep(step("a", i, 4, 5.0 - i, 100));
                if (i % 2 == 0) {
                    m.onEvaluation(new Evaluation("a", i, 4.5 - i, 200));
                }
            }
            m.onCheckpoint(dir.resolve("a"), "a", 4);
            m.onStageStart(new StageStart("b", 1, 2, 2, 0));
            m.onStep(step("b", 1, 2, 1.5, 50));
            m.onStep(step("b", 2, 2, 1.2, 50));
            m.onEvaluation(new Evaluation("b", 2, 1.1, 100));
            m.onEnd(new TrainingSummary(6, 500, 1.2, 1.1, dir.resolve("b")));
        }
        return file;
    }

    @Test
    void tokensAccumulateAcrossStagesUpToEachEvaluation() {
        TrainingCurve curve = MetricsLogReader.read(twoStages());

        assertThat(curve.steps()).hasSize(6);
        assertThat(curve.steps().get(5).cumulativeTokens()).isEqualTo(500);
        assertThat(curve.points(ScalingMetric.EVAL, 0)).containsExactly(new ScalingPoint(200, 2.5, "a", 2),
                new ScalingPoint(400, 0.5, "a", 4), new ScalingPoint(500, 1.1, "b", 2));
        assertThat(curve.stages()).containsExactly("a", "b");
    }

    @Test
    void aResumedStageReplacesTheStepsLoggedAfterItsCheckpoint() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.onStageStart(new StageStart("a", 0, 1, 4, 0));
            m.onStep(step("a", 1, 4, 4.0, 100));
            m.onStep(step("a", 2, 4, 3.0, 100));
            m.onEvaluation(new Evaluation("a", 2, 9.9, 10));  // after the checkpoint at 1: superseded
            m.onStep(step("a", 3, 4, 9.0, 100));              // superseded too
        }
        // the killed run left a torn line
        Files.writeString(file, "{\"event\":\"step\",\"stage\":\"a\",\"st", StandardOpenOption.APPEND);
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.onStageStart(new StageStart("a", 0, 1, 4, 1));
            m.onStep(step("a", 2, 4, 3.1, 100));
            m.onEvaluation(new Evaluation("a", 2, 3.2, 10));
            m.onStep(step("a", 3, 4, 2.5, 100));
            m.onStep(step("a", 4, 4, 2.0, 100));
        }

        TrainingCurve curve = MetricsLogReader.read(file);

        assertThat(curve.steps()).extracting(TrainingCurve.Step::loss).containsExactly(4.0, 3.1, 2.5, 2.0);
        assertThat(curve.steps()).extracting(TrainingCurve.Step::cumulativeTokens).containsExactly(100L, 200L, 300L, 400L);
        assertThat(curve.evaluations()).containsExactly(new TrainingCurve.Evaluation("a", 2, 200, 3.2));
    }

    @Test
    void nonFiniteLossesAreReadAsNaN() {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics m = new JsonlMetrics(file)) {
            m.onStageStart(new StageStart("a", 0, 1, 2, 0));
            m.onStep(new StepMetrics("a", 1, 2, Double.NaN, 1e-4, Double.NaN, 100, 10, 1000, true));
            m.onStep(step("a", 2, 2, 2.0, 100));
            m.onEvaluation(new Evaluation("a", 2, Double.NaN, 0));
        }

        TrainingCurve curve = MetricsLogReader.read(file);

        assertThat(curve.steps().get(0).loss()).isNaN();
        assertThat(curve.steps().get(0).skipped()).isTrue();
        assertThat(curve.points(ScalingMetric.EVAL, 0)).isEmpty();
        assertThat(curve.points(ScalingMetric.TRAIN, 1)).containsExactly(new ScalingPoint(100, 2.0, "a", 2));
    }

    @Test
    void aMalformedLineNamesFileLineAndField() throws IOException {
        Path file = twoStages();
        Files.writeString(file, "{\"event\":\"step\",\"stage\":\"b\",\"step\":3,\"tokens\":\"many\",\"loss\":1}\n",
                StandardOpenOption.APPEND);

        assertThatThrownBy(() -> MetricsLogReader.read(file)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":14: \"tokens\" must be an integer >= 0, got string");
    }

    @Test
    void linesThatAreNotJsonObjectsAreErrors() throws IOException {
        Path notJson = Files.writeString(dir.resolve("a.jsonl"), "{\"event\":\"stage_start\"}x\n");
        Path array = Files.writeString(dir.resolve("b.jsonl"), "\n[1, 2]\n");
        Path noEvent = Files.writeString(dir.resolve("c.jsonl"), "{\"stage\":\"a\"}\n");

        assertThatThrownBy(() -> MetricsLogReader.read(notJson)).hasMessageStartingWith(notJson + ":1: not valid JSON");
        assertThatThrownBy(() -> MetricsLogReader.read(array))
                .hasMessage(array + ":2: a metrics event must be a JSON object, got array");
        assertThatThrownBy(() -> MetricsLogReader.read(noEvent))
                .hasMessage(noEvent + ":1: \"event\" must be a string, got nothing");
    }

    @Test
    void aFileWithoutStepsOrAtAllIsAnError() throws IOException {
        Path empty = Files.writeString(dir.resolve("metrics.jsonl"), "");

        assertThatThrownBy(() -> MetricsLogReader.read(empty)).hasMessageContaining("no \"step\" events");
        assertThatThrownBy(() -> MetricsLogReader.read(dir.resolve("none.jsonl")))
                .hasMessage(dir.resolve("none.jsonl") + ": metrics file not found");
    }
}
