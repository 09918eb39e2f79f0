package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.Logits;
import ai.solo.ModelBatch;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloModel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SOLO forward pass against the reference implementation's logits for the solo-tiny
 * fixture (float64 reference, stored as float32).
 */
class ModelParityTest {
    private static FixtureData fixture;
    private static SoloModel model;

    @BeforeAll
    static void load() {
        fixture = FixtureData.load();
        model = SoloModel.load(Fixtures.soloTiny());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void float32LogitsMatchReferenceWithin1e4() {
        Logits logits = model.logits(fixture.batch());

        assertThat(logits.vocabSize()).isEqualTo(fixture.vocab);
        double maxAbs = maxAbsDiff(logits.values(), fixture.logits);
        System.getLogger("parity").log(System.Logger.Level.INFO, "float32 logits max abs error " + maxAbs);
        assertThat(maxAbs).isLessThan(1e-4);
    }

    @Test
    void float16WeightsOnCpuMatchReferenceWithin5e2() {
        try (SoloModel half = SoloModel.load(Fixtures.soloTiny(), ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
            Logits logits = half.logits(fixture.batch());

            double maxAbs = maxAbsDiff(logits.values(), fixture.logits);
            System.getLogger("parity").log(System.Logger.Level.INFO, "float16 logits max abs error " + maxAbs);
            assertThat(maxAbs).isLessThan(5e-2);
        }
    }

    @Test
    void greedyRecomputationReproducesReferenceTokens() {
        int[] ids = fixture.inputIds.clone();
        int[] patchIdx = fixture.patchIndices.clone();
        int[] generated = new int[fixture.greedyTokens.length];
        for (int step = 0; step < generated.length; step++) {
            int[] mask = new int[ids.length];
            Arrays.fill(mask, 1);
            ModelBatch batch = new ModelBatch(1, ids.length, ids, patchIdx, fixture.patches, 3072, mask, null);
            int next = model.logits(batch).argmax(0, ids.length - 1);
            generated[step] = next;
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = next;
            patchIdx = Arrays.copyOf(patchIdx, patchIdx.length + 1);
            patchIdx[patchIdx.length - 1] = -1;
        }

        assertThat(generated).containsExactly(fixture.greedyTokens);
    }

    @Test
    void rightPaddedBatchGivesEachSequenceItsOwnLogits() {
        int shortLen = 10; // text-only prefix of the fixture
        int t = fixture.length;
        int[] ids = new int[2 * t];
        int[] patchIdx = new int[2 * t];
        int[] mask = new int[2 * t];
        System.arraycopy(fixture.inputIds, 0, ids, 0, t);
        System.arraycopy(fixture.patchIndices, 0, patchIdx, 0, t);
        Arrays.fill(mask, 0, t, 1);
        System.arraycopy(fixture.inputIds, 0, ids, t, shortLen);
        System.arraycopy(fixture.patchIndices, 0, patchIdx, t, shortLen);
        Arrays.fill(patchIdx, t + shortLen, 2 * t, -1);
        Arrays.fill(mask, t, t + shortLen, 1);

        Logits batched = model.logits(new ModelBatch(2, t, ids, patchIdx, fixture.patches, 3072, mask, null));

        Logits alone = model.logits(new ModelBatch(1, shortLen, Arrays.copyOf(fixture.inputIds, shortLen),
                Arrays.copyOf(fixture.patchIndices, shortLen), fixture.patches, 3072, ones(shortLen), null));
        for (int pos = 0; pos < shortLen; pos++) {
            assertThat(maxAbsDiff(batched.row(1, pos), alone.row(0, pos))).isLessThan(1e-5);
        }
        assertThat(maxAbsDiff(Arrays.copyOf(batched.values(), t * fixture.vocab), fixture.logits)).isLessThan(1e-4);
    }

    @Test
    void leftPaddedSequenceDerivesPositionsFromTheMask() {
        int pad = 3;
        int t = fixture.length + pad;
        int[] ids = new int[t];
        int[] patchIdx = new int[t];
        int[] mask = new int[t];
        Arrays.fill(patchIdx, 0, pad, -1);
        System.arraycopy(fixture.inputIds, 0, ids, pad, fixture.length);
        System.arraycopy(fixture.patchIndices, 0, patchIdx, pad, fixture.length);
        Arrays.fill(mask, pad, t, 1);

        Logits logits = model.logits(new ModelBatch(1, t, ids, patchIdx, fixture.patches, 3072, mask, null));

        float[] real = Arrays.copyOfRange(logits.values(), pad * fixture.vocab, t * fixture.vocab);
        assertThat(maxAbsDiff(real, fixture.logits)).isLessThan(1e-4);
    }

    @Test
    void explicitPositionIdsEqualDerivedOnes() {
        int[] positions = new int[fixture.length];
        Arrays.setAll(positions, i -> i);
        ModelBatch b = fixture.batch();
        ModelBatch explicit = new ModelBatch(1, b.seqLen(), b.inputIds(), b.patchIndices(), b.patches(), 3072,
                b.attentionMask(), positions);

        assertThat(maxAbsDiff(model.logits(explicit).values(), model.logits(b).values())).isEqualTo(0.0);
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
