package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Tiny models, packed batches, and their loss and gradients for training-path comparisons. */
final class GradientProbe {
    static final VisionTokens TOKENS = new VisionTokens(290, 291, 292, 293, 294);

    private GradientProbe() {
    }

    static SoloConfig.Builder config() {
        return SoloConfig.builder().vocabSize(300).hiddenSize(32).intermediateSize(64)
                .numHiddenLayers(3).numAttentionHeads(4).numKeyValueHeads(2).visionPatchSize(4);
    }

    static DjlSoloModel model(SoloConfig config, long seed, ModelOptions options) {
        return DjlSoloModel.create(config, seed, options);
    }

    /** An example: {@code <s>}, an image of {@code imageRows} x 2 patches if any, text. */
    static TokenSequence example(SplittableRandom r, int imageRows, int textTokens) {
        SequenceBuilder b = SequenceBuilder.create(TOKENS, ImageClose.VISION_END).token(1, false);
        if (imageRows > 0) {
            PatchGrid grid = new PatchGrid(imageRows, 2, 4);
            float[] v = new float[grid.count() * grid.patchDim()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            b.image(new ImagePatches(grid, 8, 4 * imageRows, v));
        }
        return b.tokens(r.ints(textTokens, 3, 280).toArray(), true).token(2, true).build();
    }

    /** Two packed rows of several examples each, with padding at the end of each row. */
    static PackedBatch packedRows(long seed, int length) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<TokenSequence>> rows = new ArrayList<>();
        for (int row = 0; row < 2; row++) {
            Packer packer = new Packer(length);
            List<TokenSequence> full = null;
            while (full == null) {
                full = packer.push(example(r, r.nextInt(3), 3 + r.nextInt(14)));
            }
            rows.add(full);
        }
        return Packer.batch(rows, length);
    }

    /** @return the trainable parameters' gradients, copied to the heap, by name */
    static Map<String, float[]> gradients(Map<String, NDArray> gradients) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            gradients.forEach((k, g) -> out.put(k, g.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()));
        }
        return out;
    }

    /** @return max |a - b| over every tensor, relative to the largest |b| of that tensor (at least 1e-3) */
    static double maxRelativeDifference(Map<String, float[]> a, Map<String, float[]> b) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : b.entrySet()) {
            float[] x = a.get(e.getKey());
            float[] y = e.getValue();
            double scale = 1e-3;
            double max = 0;
            for (int i = 0; i < y.length; i++) {
                scale = Math.max(scale, Math.abs(y[i]));
                max = Math.max(max, Math.abs((double) x[i] - y[i]));
            }
            worst = Math.max(worst, max / scale);
        }
        return worst;
    }
}
