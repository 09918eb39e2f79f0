package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static Stage stage(int steps, int warmup) {
        return Stage.builder("s").source(SampleSources.of("none", List.of()), 1).steps(steps)
                .learningRate(1e-3, 1e-4, warmup).build();
    }

    @Test
    void warmsUpLinearlyThenDecaysByCosineToTheMinimum() {
        Stage s = stage(110, 10);

        assertThat(LearningRateSchedule.at(s, 0, s.steps())).isCloseTo(1e-4, within(1e-12));
        assertThat(LearningRateSchedule.at(s, 9, s.steps())).isCloseTo(1e-3, within(1e-12));
        assertThat(LearningRateSchedule.at(s, 10, s.steps())).isCloseTo(1e-3, within(1e-12));
        double mid = LearningRateSchedule.at(s, 10 + 99 / 2, s.steps());
        assertThat(mid).isCloseTo(1e-4 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI * 49 / 99.0)), within(1e-12));
        assertThat(LearningRateSchedule.at(s, 109, s.steps())).isCloseTo(1e-4, within(1e-12));
    }

    @Test
    void withoutWarmupStartsAtThePeak() {
        assertThat(LearningRateSchedule.at(stage(5, 0), 0, stage(5, 0).steps())).isCloseTo(1e-3, within(1e-12));
    }
}
