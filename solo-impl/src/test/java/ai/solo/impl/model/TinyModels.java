package ai.solo.impl.model;

import ai.solo.ModelBatch;
import ai.solo.SoloConfig;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Tiny configs and inputs for model tests: small enough for a 2-core CI machine. */
final class TinyModels {
    private TinyModels() {
    }

    static SoloConfig.Builder config() {
        return SoloConfig.builder().vocabSize(300).hiddenSize(32).intermediateSize(64)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2).visionPatchSize(4);
    }

    /** A sequence of {@code length} tokens whose positions 2..2+patches hold image patches. */
    static ModelBatch batch(SoloConfig config, int length, int patches, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[length];
        int[] idx = new int[length];
        Arrays.fill(idx, -1);
        for (int i = 0; i < length; i++) {
            ids[i] = r.nextInt(config.vocabSize());
        }
        for (int p = 0; p < patches; p++) {
            idx[2 + p] = p;
        }
        float[] values = new float[patches * config.patchDim()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian();
        }
        int[] mask = new int[length];
        Arrays.fill(mask, 1);
        return new ModelBatch(1, length, ids, idx, values, patches == 0 ? 0 : config.patchDim(), mask, null);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
