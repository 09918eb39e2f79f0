package ai.solo.impl.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.solo.ModelOptions;
import ai.solo.impl.engine.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The linear layer's two formulations give the same products, shapes and owners. */
class OpsTest {
    private NDManager weights;
    private NDManager step;

    @BeforeEach
    void open() {
        weights = Engines.newManager(ModelOptions.defaults());
        step = weights.newSubManager();
    }

    @AfterEach
    void close() {
        weights.close();
    }

    @Test
    void fewRowsMultiplyTheOtherWayRoundWithTheSameResult() {
        NDArray w = weights.randomNormal(new Shape(48, 32));
        NDArray wt = step.create(w.toFloatArray(), new Shape(48, 32)).transpose(); // the reference, owned by the step
        for (int rows : new int[] {1, 2, 8, 16, 17}) {
            NDArray x = step.randomNormal(new Shape(rows, 1, 32));

            NDArray y = Ops.linear(x, w);

            float[] expected = x.matMul(wt).toFloatArray();
            assertThat(y.getShape()).isEqualTo(new Shape(rows, 1, 48));
            float[] actual = y.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("rows %d, element %d", rows, i).isCloseTo(expected[i],
                        org.assertj.core.data.Offset.offset(1e-4f));
            }
            assertThat(y.getManager()).as("the product belongs to the input's manager").isSameAs(step);
        }
        step.close();
        assertThat(weights.getManagedArrays()).as("nothing but the weight left in its manager").containsExactly(w);
    }
}
