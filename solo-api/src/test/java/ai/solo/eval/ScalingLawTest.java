package ai.solo.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The power-law fit on synthetic points and improvement per token. */
class ScalingLawTest {

    private static List<ScalingPoint> powerLaw(double alpha, double dc, double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ScalingPoint> points = new ArrayList<>();
        for (double d = 1e5; d <= 1e9; d *= 2) {
            double l = Math.pow(dc / d, alpha) * Math.exp(noise * r.nextGaussian());
            points.add(ScalingPoint.of(d, l));
        }
        return points;
    }

    @Test
    void exactPowerLawIsRecoveredWithRSquaredOne() {
        ScalingLaw law = ScalingLaw.fit(powerLaw(0.076, 8.8e13, 0, 1));   // Kaplan et al.'s L(D)

        assertThat(law.alpha()).isCloseTo(0.076, within(1e-9));
        assertThat(law.criticalTokens() / 8.8e13).isCloseTo(1.0, within(1e-6));
        assertThat(law.rSquared()).isCloseTo(1.0, within(1e-9));
        assertThat(law.points()).isEqualTo(14);
        assertThat(law.predict(1e7)).isCloseTo(Math.pow(8.8e13 / 1e7, 0.076), within(1e-9));
    }

    @Test
    void noisyPointsGiveCloseParametersAndRSquaredBelowOne() {
        ScalingLaw law = ScalingLaw.fit(powerLaw(0.3, 2e4, 0.01, 7));

        assertThat(law.alpha()).isCloseTo(0.3, within(0.01));
        assertThat(Math.log(law.criticalTokens())).isCloseTo(Math.log(2e4), within(0.5));
        assertThat(law.rSquared()).isLessThan(1.0).isGreaterThan(0.98);
    }

    @Test
    void twoPointsDetermineTheLineExactly() {
        ScalingLaw law = ScalingLaw.fit(List.of(ScalingPoint.of(100, 4), ScalingPoint.of(10_000, 1)));

        // 4 = (Dc/100)^a and 1 = (Dc/10000)^a: Dc = 10000, a = ln 4 / ln 100
        assertThat(law.alpha()).isCloseTo(Math.log(4) / Math.log(100), within(1e-12));
        assertThat(law.criticalTokens()).isCloseTo(10_000, within(1e-6));
        assertThat(law.rSquared()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void growingMetricGivesNegativeAlpha() {
        ScalingLaw law = ScalingLaw.fit(List.of(ScalingPoint.of(10, 0.2), ScalingPoint.of(100, 0.4),
                ScalingPoint.of(1000, 0.8)));

        assertThat(law.alpha()).isCloseTo(-Math.log10(2), within(1e-12));
    }

    @Test
    void unusablePointsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> ScalingLaw.fit(List.of(ScalingPoint.of(1, 1))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 2 points, got 1");
        assertThatThrownBy(() -> ScalingLaw.fit(List.of(ScalingPoint.of(10, 1), new ScalingPoint(0, 2, "sft", 3))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("scaling point 1 (sft step 3)")
                .hasMessageContaining("above 0");
        assertThatThrownBy(() -> ScalingLaw.fit(List.of(ScalingPoint.of(10, 1), ScalingPoint.of(20, -2))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("value -2.0");
        assertThatThrownBy(() -> ScalingLaw.fit(List.of(ScalingPoint.of(10, 1), ScalingPoint.of(10, 2))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("same token count");
        assertThatThrownBy(() -> ScalingLaw.fit(List.of(ScalingPoint.of(10, 2), ScalingPoint.of(20, 2))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("same value");
        assertThatThrownBy(() -> ScalingPoint.of(Double.NaN, 1)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void improvementPerTokenIsTheDropBetweenConsecutivePointsOverTheTokensBetween() {
        List<ScalingLaw.Improvement> steps = ScalingLaw.improvements(List.of(ScalingPoint.of(1000, 3.0),
                ScalingPoint.of(3000, 2.0), ScalingPoint.of(7000, 2.2), ScalingPoint.of(7000, 2.1)));

        assertThat(steps).hasSize(3);
        assertThat(steps.get(0).perToken()).isCloseTo(1.0 / 2000, within(1e-15));
        assertThat(steps.get(1).perToken()).isCloseTo(-0.2 / 4000, within(1e-15));
        assertThat(steps.get(1).gain()).isCloseTo(-0.2, within(1e-12));
        assertThat(steps.get(2).perToken()).isNaN(); // no tokens in between
        assertThatThrownBy(() -> ScalingLaw.improvements(List.of(ScalingPoint.of(10, 1), ScalingPoint.of(5, 1))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("fewer tokens");
    }
}
