package ai.solo.impl.generate;

import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.text.TokenSequence;
import java.util.Arrays;
import java.util.List;

/**
 * Lays prompts of different lengths out as one batch padded on the left, so every sequence's
 * next token is at the same index and decoding appends to all rows at once. Padding is masked
 * out of attention and position ids count real tokens only, so each row computes what it would
 * alone.
 */
final class LeftPadding {
    private LeftPadding() {
    }

    /**
     * @param prompts at least one prompt; images must share one patch size
     * @return the left-padded batch (padding token 0, masked)
     */
    static ModelBatch batch(List<TokenSequence> prompts) {
        int b = prompts.size();
        int t = 0;
        int dim = 0;
        long floats = 0;
        for (TokenSequence p : prompts) {
            t = Math.max(t, p.length());
            if (p.patchDim() != 0) {
                if (dim != 0 && dim != p.patchDim()) {
                    throw new InvalidInputException("prompts mix patch sizes (" + dim + " and " + p.patchDim() + " values)");
                }
                dim = p.patchDim();
            }
            floats += p.patches().length;
        }
        if (floats > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("prompts hold " + floats + " patch values, more than one batch can");
        }
        int[] ids = new int[Math.multiplyExact(b, t)];
        int[] patchIdx = new int[ids.length];
        int[] mask = new int[ids.length];
        float[] patches = new float[(int) floats];
        Arrays.fill(patchIdx, -1);
        int patchOffset = 0;
        int floatOffset = 0;
        for (int row = 0; row < b; row++) {
            TokenSequence p = prompts.get(row);
            int base = row * t + (t - p.length());
            for (int i = 0; i < p.length(); i++) {
                ids[base + i] = p.inputIds()[i];
                int idx = p.patchIndices()[i];
                patchIdx[base + i] = idx < 0 ? -1 : idx + patchOffset;
                mask[base + i] = 1;
            }
            System.arraycopy(p.patches(), 0, patches, floatOffset, p.patches().length);
            floatOffset += p.patches().length;
            patchOffset += p.patchCount();
        }
        return new ModelBatch(b, t, ids, patchIdx, patches, dim, mask, null);
    }
}
