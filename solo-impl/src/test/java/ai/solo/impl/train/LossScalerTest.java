package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LossScalerTest {

    @Test
    void overflowHalvesAndGoodStepsDouble() {
        LossScaler s = LossScaler.dynamic(1024, 3);
        s.overflow();
        assertThat(s.scale()).isEqualTo(512);
        s.stepTaken();
        s.stepTaken();
        assertThat(s.scale()).isEqualTo(512);
        s.stepTaken();
        assertThat(s.scale()).isEqualTo(1024);
        assertThat(s.goodSteps()).isZero();
        s.stepTaken();
        s.overflow(); // an overflow restarts the count of good steps
        s.stepTaken();
        s.stepTaken();
        assertThat(s.scale()).isEqualTo(512);
    }

    @Test
    void scaleNeverFallsBelowItsFloorAndNoneStaysAtOne() {
        LossScaler s = LossScaler.dynamic(2, 100);
        for (int i = 0; i < 100; i++) {
            s.overflow();
        }
        assertThat(s.scale()).isEqualTo(LossScaler.MIN_SCALE);
        LossScaler none = LossScaler.none();
        none.overflow();
        none.stepTaken();
        assertThat(none.scale()).isEqualTo(1);
        assertThat(none.isDynamic()).isFalse();
    }

    @Test
    void restoreContinuesACheckpointedScale() {
        LossScaler s = LossScaler.dynamic(65536, 2);
        s.restore(128, 1);
        s.stepTaken();
        assertThat(s.scale()).isEqualTo(256);
    }
}
