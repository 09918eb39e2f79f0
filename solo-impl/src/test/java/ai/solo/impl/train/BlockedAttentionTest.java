package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.SoloTransformer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attention in query blocks over only the keys each block can see must give the numbers of
 * one block over the whole row (the plain T x T masked attention), forward and backward.
 */
class BlockedAttentionTest {

    @Test
    void blocksMatchTheWholeRowForwardAndBackward() {
        compare(GradientProbe.config().build());
    }

    @Test
    void blocksMatchTheWholeRowWithASlidingWindow() {
        compare(GradientProbe.config().slidingWindow(9).build());
    }

    @Test
    void blocksMatchTheWholeRowForLeftPaddedPromptsWithoutSegments() {
        SoloConfig config = GradientProbe.config().build();
        int t = 70;
        int[] ids = new int[2 * t];
        int[] mask = new int[2 * t];
        int[] patchIndex = new int[2 * t];
        java.util.Arrays.fill(patchIndex, -1);
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int i = 0; i < 2 * t; i++) {
            ids[i] = r.nextInt(280);
            mask[i] = i < t || i - t >= 23 ? 1 : 0; // the second prompt is left-padded by 23
        }
        ai.solo.ModelBatch batch = new ai.solo.ModelBatch(2, t, ids, patchIndex, new float[0], 0, mask, null);
        try (DjlSoloModel model = GradientProbe.model(config, 6, ModelOptions.defaults());
                NDManager manager = model.weights().manager().newSubManager()) {
            float[] whole = new SoloTransformer(config, model.weights(), 4096).forward(batch, manager).toFloatArray();
            float[] blocked = new SoloTransformer(config, model.weights(), 16).forward(batch, manager).toFloatArray();
            assertThat(maxAbsDiff(blocked, whole, mask, config.vocabSize())).isLessThan(1e-5);
        }
    }

    private static void compare(SoloConfig config) {
        try (DjlSoloModel model = GradientProbe.model(config, 5, ModelOptions.defaults())) {
            PackedBatch batch = GradientProbe.packedRows(21, 90);
            SoloTransformer whole = new SoloTransformer(config, model.weights(), 4096);
            Result reference = run(model, whole, batch);
            for (int block : new int[] {6, 37}) {
                Result blocked = run(model, new SoloTransformer(config, model.weights(), block), batch);
                assertThat(maxAbsDiff(blocked.hidden, reference.hidden, batch.batch().attentionMask(),
                        config.hiddenSize())).as("hidden, block " + block)
                        .isLessThan(1e-5);
                assertThat(blocked.loss).as("loss, block " + block)
                        .isCloseTo(reference.loss, org.assertj.core.data.Offset.offset(1e-5 * reference.loss));
                assertThat(GradientProbe.maxRelativeDifference(blocked.gradients, reference.gradients))
                        .as("gradients, block " + block).isLessThan(1e-5);
            }
        }
    }

    private record Result(float[] hidden, double loss, Map<String, float[]> gradients) {
    }

    private static Result run(DjlSoloModel model, SoloTransformer transformer, PackedBatch batch) {
        Replica replica = Replica.of(model);
        replica.train(model.weights().all().keySet());
        try (NDScope scope = new NDScope(); NDManager manager = model.weights().manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            float[][] hidden = new float[1][];
            ai.solo.impl.engine.Engines.withoutGradient(
                    () -> hidden[0] = transformer.hidden(batch.batch(), manager).toFloatArray());
            double loss = Backprop.FULL.run(transformer, batch, 1f, manager);
            Map<String, NDArray> live = new LinkedHashMap<>();
            replica.trainable().forEach((k, p) -> live.put(k, p.getGradient()));
            return new Result(hidden[0], loss, GradientProbe.gradients(live));
        } finally {
            Gradients.zero(replica.parameters()); // gradients accumulate: the next run starts from zero
            replica.close();
        }
    }

    /** Over real tokens only: a padding query sees no key, and its (unused) output is arbitrary. */
    private static double maxAbsDiff(float[] a, float[] b, int[] attentionMask, int hidden) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            if (attentionMask[i / hidden] == 1) {
                max = Math.max(max, Math.abs((double) a[i] - b[i]));
            }
        }
        return max;
    }
}
