package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;

/**
 * What every layer's attention needs for one batch, computed once per forward pass.
 *
 * @param cos rotary cosines {@code [B, T, 1, head_dim]}
 * @param sin rotary sines {@code [B, T, 1, head_dim]}
 * @param mask additive float32 mask {@code [B, 1, 1, T, T]}
 */
record AttentionContext(NDArray cos, NDArray sin, NDArray mask) {
}
