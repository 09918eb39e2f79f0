package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;

/**
 * What every layer's attention needs for one forward pass, computed once per pass.
 *
 * @param cos rotary cosines {@code [B, T, 1, head_dim]}
 * @param sin rotary sines {@code [B, T, 1, head_dim]}
 * @param mask additive float32 mask {@code [B, 1, 1, T, S]} over the keys attended to
 * @param cache where new keys and values are stored, or null for a pass without cache
 * @param start sequence index of the first new token
 * @param attendToCache whether queries attend to the cached keys (decode) rather than only to
 *     the new ones (a prefill, whose keys are all new)
 */
record AttentionContext(NDArray cos, NDArray sin, NDArray mask, KvCache cache, int start, boolean attendToCache) {

    /** A pass without cache over the new tokens only. */
    AttentionContext(NDArray cos, NDArray sin, NDArray mask) {
        this(cos, sin, mask, null, 0, false);
    }
}
