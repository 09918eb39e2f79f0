package ai.solo.impl.model;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Splits a pass of T queries into blocks and finds, for each, the keys it can see at all: none
 * after the block's last query (causal), none before the start of the earliest example any of
 * its queries belongs to (packed rows attend block-diagonally), none beyond the sliding window.
 * Blocks share one key range across the rows of the batch, so each stays one batched matmul.
 *
 * <p>Key ranges start on a block boundary (the extra keys are masked), so layers can split
 * queries, keys and values once and join whole parts. Scores then cost at most
 * {@code B x heads x block x (2 x block + example length)} per block: linear in T for a fixed
 * example length, where one full mask would be {@code T x T}.
 */
final class QueryBlocks {
    private QueryBlocks() {
    }

    /**
     * @param manager where the masks are created
     * @param keyIndex {@code [B * T]} sequence index of each key, {@code -1} for padding
     * @param batch B
     * @param length T
     * @param window sliding window, empty for none
     * @param segments {@code [B * T]} example of each position in packed rows, or null
     * @param blockSize queries per block
     * @return the blocks, in query order, covering every query once
     */
    static List<AttentionBlock> plan(NDManager manager, long[] keyIndex, int batch, int length, OptionalInt window,
            int[] segments, int blockSize) {
        int[] segmentStart = segments == null ? null : segmentStarts(segments, batch, length);
        List<AttentionBlock> blocks = new ArrayList<>((length + blockSize - 1) / blockSize);
        for (int qs = 0; qs < length; qs += blockSize) {
            int qe = Math.min(length, qs + blockSize);
            int ks = qs;
            if (segmentStart == null) {
                ks = 0;
            } else {
                for (int b = 0; b < batch; b++) {
                    ks = Math.min(ks, segmentStart[b * length + qs]);
                }
            }
            if (window.isPresent()) {
                ks = Math.max(ks, qs - window.getAsInt() + 1);
            }
            // down to a block boundary, so the keys are whole parts of one split of the sequence
            ks = Math.max(0, ks) / blockSize * blockSize;
            blocks.add(new AttentionBlock(qs, qe, ks, qe, AttentionMask.build(manager, qs, qe - qs,
                    slice(keyIndex, batch, length, ks, qe), batch, window,
                    segments == null ? null : slice(segments, batch, length, qs, qe),
                    segments == null ? null : slice(segments, batch, length, ks, qe))));
        }
        return blocks;
    }

    /** @return for each position, the first position of its run of equal segment ids in its row */
    static int[] segmentStarts(int[] segments, int batch, int length) {
        int[] start = new int[segments.length];
        for (int b = 0; b < batch; b++) {
            int row = b * length;
            for (int t = 0; t < length; t++) {
                start[row + t] = t > 0 && segments[row + t] == segments[row + t - 1] ? start[row + t - 1] : t;
            }
        }
        return start;
    }

    private static long[] slice(long[] values, int batch, int length, int from, int to) {
        long[] out = new long[batch * (to - from)];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values, b * length + from, out, b * (to - from), to - from);
        }
        return out;
    }

    private static int[] slice(int[] values, int batch, int length, int from, int to) {
        int[] out = new int[batch * (to - from)];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values, b * length + from, out, b * (to - from), to - from);
        }
        return out;
    }
}
