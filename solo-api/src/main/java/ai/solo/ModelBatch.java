package ai.solo;

import ai.solo.text.TokenSequence;
import java.util.List;

/**
 * A batch of {@code B} sequences of equal length {@code T} (padding included), ready for the
 * model: the tensors of SOLO's forward pass as flat Java arrays.
 *
 * <p>Shapes: {@code inputIds, patchIndices, attentionMask, positionIds: [B, T]} row-major;
 * {@code patches: [N, patchDim]} with patch indices global to the batch ({@code -1} = no patch).
 * Position ids, when absent, are derived from the attention mask: each sequence counts its
 * real tokens from 0, so left and right padding both work. Segment ids, when given, pack several
 * examples into one row: a token attends only to tokens of its own segment (block-diagonal
 * attention); give position ids restarting at each segment too. Arrays are shared: treat as
 * read-only.
 *
 * @param batchSize B
 * @param seqLen T
 * @param inputIds token ids {@code [B, T]}
 * @param patchIndices patch index per position {@code [B, T]}, {@code -1} for text and padding
 * @param patches patch values {@code [N, patchDim]}
 * @param patchDim values per patch, {@code 3 * P * P} (0 when the batch has no images)
 * @param attentionMask {@code [B, T]}: 1 for real tokens, 0 for padding
 * @param positionIds {@code [B, T]} or null to derive them from the mask
 * @param segmentIds {@code [B, T]} example index of each position within its row, or null when
 *     each row is one example
 */
public record ModelBatch(int batchSize, int seqLen, int[] inputIds, int[] patchIndices, float[] patches,
        int patchDim, int[] attentionMask, int[] positionIds, int[] segmentIds) {

    /**
     * Checks shapes and index ranges, in {@code long} arithmetic.
     *
     * @param batchSize B
     * @param seqLen T
     * @param inputIds token ids {@code [B, T]}
     * @param patchIndices patch index per position {@code [B, T]}, {@code -1} for text and padding
     * @param patches patch values {@code [N, patchDim]}
     * @param patchDim values per patch, {@code 3 * P * P} (0 when the batch has no images)
     * @param attentionMask {@code [B, T]}: 1 for real tokens, 0 for padding
     * @param positionIds {@code [B, T]} or null to derive them from the mask
     * @param segmentIds {@code [B, T]} example index per position, or null
     */
    public ModelBatch {
        if (batchSize < 1 || seqLen < 1) {
            throw new InvalidInputException("batchSize and seqLen must be >= 1, got " + batchSize + " and " + seqLen);
        }
        long cells = (long) batchSize * seqLen;
        if (cells > Integer.MAX_VALUE) {
            throw new InvalidInputException("batch of " + batchSize + " x " + seqLen + " positions is too large");
        }
        requireLength("inputIds", inputIds, cells);
        requireLength("patchIndices", patchIndices, cells);
        requireLength("attentionMask", attentionMask, cells);
        if (positionIds != null) {
            requireLength("positionIds", positionIds, cells);
            for (int i = 0; i < positionIds.length; i++) {
                if (positionIds[i] < 0) {
                    throw new InvalidInputException("positionIds[" + i + "] = " + positionIds[i] + " is negative");
                }
            }
        }
        if (segmentIds != null) {
            requireLength("segmentIds", segmentIds, cells);
        }
        if (patches == null) {
            throw new InvalidInputException("patches must not be null (use an empty array)");
        }
        if (patchDim < 0 || (patchDim == 0 ? patches.length != 0 : patches.length % patchDim != 0)) {
            throw new InvalidInputException("patches hold " + patches.length + " floats, not a multiple of patchDim " + patchDim);
        }
        int count = patchDim == 0 ? 0 : patches.length / patchDim;
        for (int i = 0; i < patchIndices.length; i++) {
            if (patchIndices[i] < -1 || patchIndices[i] >= count) {
                throw new InvalidInputException("patchIndices[" + i + "] = " + patchIndices[i] + " outside [-1, " + count + ")");
            }
        }
        for (int i = 0; i < attentionMask.length; i++) {
            if (attentionMask[i] != 0 && attentionMask[i] != 1) {
                throw new InvalidInputException("attentionMask[" + i + "] = " + attentionMask[i] + ", expected 0 or 1");
            }
        }
    }

    /**
     * A batch whose rows are one example each.
     *
     * @param batchSize B
     * @param seqLen T
     * @param inputIds token ids {@code [B, T]}
     * @param patchIndices patch index per position {@code [B, T]}, {@code -1} for none
     * @param patches patch values {@code [N, patchDim]}
     * @param patchDim values per patch (0 without images)
     * @param attentionMask {@code [B, T]}: 1 for real tokens, 0 for padding
     * @param positionIds {@code [B, T]} or null to derive them from the mask
     */
    public ModelBatch(int batchSize, int seqLen, int[] inputIds, int[] patchIndices, float[] patches, int patchDim,
            int[] attentionMask, int[] positionIds) {
        this(batchSize, seqLen, inputIds, patchIndices, patches, patchDim, attentionMask, positionIds, null);
    }

    /**
     * One sequence, no padding.
     *
     * @param sequence the sequence
     * @return a batch of one
     */
    public static ModelBatch of(TokenSequence sequence) {
        return of(List.of(sequence));
    }

    /**
     * Sequences of any lengths, right-padded with token 0 to the longest; their patches are
     * concatenated and the patch indices shifted accordingly.
     *
     * @param sequences at least one sequence; images must share one patch size
     * @return the padded batch
     */
    public static ModelBatch of(List<TokenSequence> sequences) {
        if (sequences == null || sequences.isEmpty()) {
            throw new InvalidInputException("sequences must not be empty");
        }
        int b = sequences.size();
        int t = 0;
        int dim = 0;
        long patchFloats = 0;
        for (int i = 0; i < b; i++) {
            TokenSequence s = sequences.get(i);
            if (s == null) {
                throw new InvalidInputException("sequences[" + i + "] is null");
            }
            t = Math.max(t, s.length());
            if (s.patchDim() != 0) {
                if (dim != 0 && dim != s.patchDim()) {
                    throw new InvalidInputException("sequences[" + i + "] has patches of " + s.patchDim()
                            + " values, earlier sequences " + dim);
                }
                dim = s.patchDim();
            }
            patchFloats += s.patches().length;
        }
        if (patchFloats > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("batch holds " + patchFloats + " patch values, more than one Java array can");
        }
        int[] ids = new int[Math.multiplyExact(b, t)];
        int[] patchIdx = new int[ids.length];
        int[] mask = new int[ids.length];
        float[] patches = new float[(int) patchFloats];
        java.util.Arrays.fill(patchIdx, -1);
        int patchOffset = 0;
        int floatOffset = 0;
        for (int i = 0; i < b; i++) {
            TokenSequence s = sequences.get(i);
            int base = i * t;
            for (int p = 0; p < s.length(); p++) {
                ids[base + p] = s.inputIds()[p];
                int idx = s.patchIndices()[p];
                patchIdx[base + p] = idx < 0 ? -1 : idx + patchOffset;
                mask[base + p] = 1;
            }
            System.arraycopy(s.patches(), 0, patches, floatOffset, s.patches().length);
            floatOffset += s.patches().length;
            patchOffset += s.patchCount();
        }
        return new ModelBatch(b, t, ids, patchIdx, patches, dim, mask, null);
    }

    /** @return number of patches N */
    public int patchCount() {
        return patchDim == 0 ? 0 : patches.length / patchDim;
    }

    private static void requireLength(String name, int[] array, long expected) {
        if (array == null) {
            throw new InvalidInputException(name + " must not be null");
        }
        if (array.length != expected) {
            throw new InvalidInputException(name + " has " + array.length + " entries, expected " + expected);
        }
    }
}
