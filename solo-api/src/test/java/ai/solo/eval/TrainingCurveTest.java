package ai.solo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Turning a training curve into scaling points. */
class TrainingCurveTest {
    // two stages of 100-token steps; a skipped step still counts its tokens
    private static final TrainingCurve CURVE = new TrainingCurve(List.of(
            new TrainingCurve.Step("s1", 1, 100, 100, 4.0, false),
            new TrainingCurve.Step("s1", 2, 100, 200, 3.0, false),
            new TrainingCurve.Step("s1", 3, 100, 300, 2.0, false),
            new TrainingCurve.Step("s2", 1, 100, 400, Double.NaN, true),
            new TrainingCurve.Step("s2", 2, 100, 500, 1.5, false),
            new TrainingCurve.Step("s2", 3, 100, 600, 1.0, false)),
            List.of(new TrainingCurve.Evaluation("s1", 2, 200, 3.5),
                    new TrainingCurve.Evaluation("s2", 3, 600, 1.2),
                    new TrainingCurve.Evaluation("s2", 3, 600, Double.NaN)));

    @Test
    void evalPointsAreTheFiniteEvaluationsAtTheirTokens() {
        assertThat(CURVE.points(ScalingMetric.EVAL, 0)).containsExactly(new ScalingPoint(200, 3.5, "s1", 2),
                new ScalingPoint(600, 1.2, "s2", 3));
    }

    @Test
    void trainPointsAverageWindowsWithinAStageAtTheTokensBeforeEachStep() {
        List<ScalingPoint> points = CURVE.points(ScalingMetric.TRAIN, 2);

        // s1 window {1,2}: D before = 0, 100 -> mean 50, loss 3.5; window {3}: D 200, loss 2
        // s2 (step 1 skipped) window {2,3}: D 400, 500 -> 450, loss 1.25
        assertThat(points).hasSize(3);
        assertThat(points.get(0)).isEqualTo(new ScalingPoint(50, 3.5, "s1", 2));
        assertThat(points.get(1)).isEqualTo(new ScalingPoint(200, 2.0, "s1", 3));
        assertThat(points.get(2).tokens()).isCloseTo(450, within(1e-9));
        assertThat(points.get(2).value()).isCloseTo(1.25, within(1e-12));
    }

    @Test
    void windowOfOneDropsThePointBeforeAnyTraining() {
        List<ScalingPoint> points = CURVE.points(ScalingMetric.TRAIN, 1);

        assertThat(points).extracting(ScalingPoint::tokens).containsExactly(100.0, 200.0, 400.0, 500.0);
    }

    @Test
    void aStageKeepsTokensFromTheRunStart() {
        TrainingCurve s2 = CURVE.stage("s2");

        assertThat(s2.steps()).hasSize(3);
        assertThat(s2.points(ScalingMetric.EVAL, 0)).containsExactly(new ScalingPoint(600, 1.2, "s2", 3));
        assertThat(CURVE.stages()).containsExactly("s1", "s2");
        assertThatThrownBy(() -> CURVE.stage("sft")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no stage \"sft\"").hasMessageContaining("[s1, s2]");
        assertThatThrownBy(() -> CURVE.points(ScalingMetric.TRAIN, -1)).isInstanceOf(InvalidInputException.class);
    }
}
