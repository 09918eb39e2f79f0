package ai.solo.text;

import ai.solo.InvalidInputException;
import ai.solo.image.PatchGrid;
import java.util.List;

/**
 * One model input sequence: token ids, which position holds which image patch, which
 * positions are training targets, and the patch values themselves.
 *
 * <p>Arrays are shared, not copied: treat them as read-only.
 *
 * @param inputIds token ids {@code [T]}
 * @param patchIndices {@code [T]}: index of the patch whose embedding is added at that position
 *     ({@code <vpatch>} positions), {@code -1} for every other position; the reference code's
 *     {@code vision_patch_indices}
 * @param lossMask {@code [T]}: whether the token at that position is a training target
 *     (predicted from the positions before it)
 * @param patches patch values {@code [N, patchDim]} of every image, in sequence order
 * @param patchDim values per patch, {@code 3 * P * P}; 0 for a sequence without images
 * @param grids patch grid of each image, in sequence order
 */
public record TokenSequence(int[] inputIds, int[] patchIndices, boolean[] lossMask, float[] patches,
        int patchDim, List<PatchGrid> grids) {

    /** Label value for positions that carry no loss, as Hugging Face's {@code -100}. */
    public static final int IGNORE_INDEX = -100;

    /**
     * Checks that the arrays agree in length and that every patch index is valid.
     *
     * @param inputIds token ids {@code [T]}
     * @param patchIndices {@code [T]}: index of the patch whose embedding is added at that position ({@code <vpatch>} positions), {@code -1} for every other position; the reference code's {@code vision_patch_indices}
     * @param lossMask {@code [T]}: whether the token at that position is a training target (predicted from the positions before it)
     * @param patches patch values {@code [N, patchDim]} of every image, in sequence order
     * @param patchDim values per patch, {@code 3 * P * P}; 0 for a sequence without images
     * @param grids patch grid of each image, in sequence order
     */
    public TokenSequence {
        if (inputIds == null || patchIndices == null || lossMask == null || patches == null || grids == null) {
            throw new InvalidInputException("inputIds, patchIndices, lossMask, patches and grids must not be null");
        }
        if (patchIndices.length != inputIds.length || lossMask.length != inputIds.length) {
            throw new InvalidInputException("inputIds (" + inputIds.length + "), patchIndices ("
                    + patchIndices.length + ") and lossMask (" + lossMask.length + ") differ in length");
        }
        if (patchDim < 0 || (patchDim == 0 ? patches.length != 0 : patches.length % patchDim != 0)) {
            throw new InvalidInputException("patches hold " + patches.length + " floats, not a multiple of patchDim " + patchDim);
        }
        int count = patchDim == 0 ? 0 : patches.length / patchDim;
        for (int t = 0; t < patchIndices.length; t++) {
            if (patchIndices[t] < -1 || patchIndices[t] >= count) {
                throw new InvalidInputException("patchIndices[" + t + "] = " + patchIndices[t]
                        + " outside [-1, " + count + ")");
            }
        }
        grids = List.copyOf(grids);
    }

    /** @return sequence length T */
    public int length() {
        return inputIds.length;
    }

    /** @return number of patches N */
    public int patchCount() {
        return patchDim == 0 ? 0 : patches.length / patchDim;
    }

    /** @return Hugging Face style labels {@code [T]}: the token id where {@link #lossMask()} is set, else {@value #IGNORE_INDEX} */
    public int[] labels() {
        int[] labels = new int[inputIds.length];
        for (int t = 0; t < labels.length; t++) {
            labels[t] = lossMask[t] ? inputIds[t] : IGNORE_INDEX;
        }
        return labels;
    }
}
