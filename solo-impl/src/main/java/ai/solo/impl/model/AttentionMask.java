package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.OptionalInt;

/**
 * The additive attention mask of SPEC §1: query {@code i} sees key {@code j} iff
 * {@code 0 <= i - j < sliding_window} and {@code j} is a real token. Indices are sequence
 * indices, shared by every row of the batch; padding keys carry index {@code -1}.
 *
 * <p>Built on the device from index comparisons, so no {@code T x T} array passes through the
 * Java heap. Blocked entries get a large finite negative rather than {@code -inf}, so a padding
 * query that sees nothing yields a uniform, finite softmax instead of NaN (as transformers does
 * with {@code finfo.min}).
 */
final class AttentionMask {
    /** Added to blocked scores; finite so fully blocked rows stay NaN-free. */
    static final float BLOCKED = -1e30f;

    private AttentionMask() {
    }

    /**
     * @param manager where the mask is created
     * @param queryStart sequence index of the first query
     * @param queryLength number of queries Tq
     * @param keyIndex {@code [B * Tk]}: sequence index of each key, {@code -1} for padding or empty slots
     * @param batch B
     * @param window sliding window, empty for none
     * @return float32 mask {@code [B, 1, 1, Tq, Tk]} broadcastable over grouped heads
     */
    static NDArray build(NDManager manager, int queryStart, int queryLength, long[] keyIndex, int batch,
            OptionalInt window) {
        return build(manager, queryStart, queryLength, keyIndex, batch, window, null, null);
    }

    /**
     * As {@link #build(NDManager, int, int, long[], int, OptionalInt)}, for packed rows: a query
     * sees a key only if both belong to the same example (block-diagonal attention).
     *
     * @param manager where the mask is created
     * @param queryStart sequence index of the first query
     * @param queryLength number of queries Tq
     * @param keyIndex {@code [B * Tk]} sequence index of each key, {@code -1} for padding
     * @param batch B
     * @param window sliding window, empty for none
     * @param querySegments {@code [B * Tq]} example of each query, or null for unpacked rows
     * @param keySegments {@code [B * Tk]} example of each key, or null for unpacked rows
     * @return float32 mask {@code [B, 1, 1, Tq, Tk]}
     */
    static NDArray build(NDManager manager, int queryStart, int queryLength, long[] keyIndex, int batch,
            OptionalInt window, int[] querySegments, int[] keySegments) {
        int keyLength = keyIndex.length / batch;
        NDArray queries = manager.arange(queryStart, queryStart + queryLength, 1, DataType.INT64)
                .reshape(1, 1, 1, queryLength, 1);
        NDArray keys = manager.create(keyIndex, new Shape(batch, 1, 1, 1, keyLength));
        NDArray distance = queries.sub(keys); // [B, 1, 1, Tq, Tk]: how far back each key lies
        NDArray visible = keys.gte(0).logicalAnd(distance.gte(0));
        if (window.isPresent()) {
            visible = visible.logicalAnd(distance.lt(window.getAsInt()));
        }
        if (querySegments != null) {
            NDArray q = manager.create(querySegments, new Shape(batch, 1, 1, queryLength, 1));
            NDArray k = manager.create(keySegments, new Shape(batch, 1, 1, 1, keyLength));
            visible = visible.logicalAnd(q.eq(k));
        }
        // visible -> 0, blocked -> BLOCKED, without a second array of constants
        return visible.toType(DataType.FLOAT32, false).sub(1f).mul(-BLOCKED);
    }

    /**
     * Key indices of a batch with one attention-mask row per sequence: real positions keep their
     * index, padding gets {@code -1}.
     *
     * @param attentionMask {@code [B * T]}, 1 for real tokens
     * @param length T
     * @return {@code [B * T]} key indices
     */
    static long[] keyIndices(int[] attentionMask, int length) {
        long[] out = new long[attentionMask.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = attentionMask[i] == 1 ? i % length : -1;
        }
        return out;
    }
}
