package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.solo.impl.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientsTest {

    @Test
    void zeroingClearsNonFiniteGradientsSoTheNextStepIsHealthy() {
        try (NDManager manager = NDManager.newBaseManager(Engines.PYTORCH)) {
            NDArray p = manager.create(new float[] {1f, 2f});
            p.setRequiresGradient(true);
            try (GradientCollector c = Engine.getEngine(Engines.PYTORCH).newGradientCollector()) {
                c.backward(p.mul(Float.POSITIVE_INFINITY).sum());
            }
            assertThat(Gradients.globalNorm(List.of(p.getGradient()))).isInfinite();

            Gradients.zero(List.of(p));
            try (GradientCollector c = Engine.getEngine(Engines.PYTORCH).newGradientCollector()) {
                c.backward(p.mul(3f).sum());
            }

            assertThat(p.getGradient().toFloatArray()).containsExactly(3f, 3f);
            assertThat(Gradients.globalNorm(List.of(p.getGradient()))).isCloseTo(Math.sqrt(18), org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
