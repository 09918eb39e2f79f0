package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What every layer's attention needs for one forward pass, computed once per pass.
 *
 * @param cos rotary cosines {@code [B, T, 1, head_dim]}
 * @param sin rotary sines {@code [B, T, 1, head_dim]}
 * @param blocks the query blocks, each with the keys it scores and its mask
 * @param cache where new keys and values are stored, or null for a pass without cache
 * @param start sequence index of the first new token
 * @param attendToCache whether queries attend to the cached keys (decode) rather than only to
 *     the new ones (a prefill, whose keys are all new)
 */
record AttentionContext(NDArray cos, NDArray sin, List<AttentionBlock> blocks, KvCache cache, int start,
        boolean attendToCache) {

    /** A pass without cache over the new tokens only. */
    AttentionContext(NDArray cos, NDArray sin, List<AttentionBlock> blocks) {
        this(cos, sin, blocks, null, 0, false);
    }
}
