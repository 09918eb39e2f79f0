package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;

/**
 * One block of queries and the contiguous range of keys they can see, with its additive mask.
 * Scoring a block against only that range is what keeps attention over a long packed row from
 * ever building a {@code T x T} matrix.
 *
 * @param queryStart first query of the block (index into this pass's tokens)
 * @param queryEnd one past the last query
 * @param keyStart first key scored (index into the keys of the pass)
 * @param keyEnd one past the last key scored, or {@link #ALL_KEYS} for every key (decode with a cache)
 * @param mask additive float32 mask {@code [B, 1, 1, queries, keys]}
 */
record AttentionBlock(int queryStart, int queryEnd, int keyStart, int keyEnd, NDArray mask) {
    /** {@link #keyEnd} of a block that scores every key the pass has. */
    static final int ALL_KEYS = -1;

    /**
     * @param queries queries of the pass
     * @param keys keys of the pass
     * @return whether this block is the whole pass: every query against every key
     */
    boolean coversAll(long queries, long keys) {
        return queryStart == 0 && queryEnd == queries && keyStart == 0 && (keyEnd == ALL_KEYS || keyEnd == keys);
    }
}
