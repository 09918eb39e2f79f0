package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.OptionalInt;

/**
 * The additive attention mask of SPEC §1: query {@code i} sees key {@code j} iff
 * {@code 0 <= i - j < sliding_window} and {@code j} is not padding.
 *
 * <p>Blocked entries get a large finite negative rather than {@code -inf}, so a padding query
 * that sees nothing yields a uniform, finite softmax instead of NaN (as transformers does with
 * {@code finfo.min}).
 */
final class AttentionMask {
    /** Added to blocked scores; finite so fully blocked rows stay NaN-free. */
    static final float BLOCKED = -1e30f;

    private AttentionMask() {
    }

    /**
     * @param manager where the mask is created
     * @param batch B
     * @param length T
     * @param keyMask {@code [B, T]}, 1 for real tokens
     * @param window sliding window, empty for none
     * @return float32 mask {@code [B, 1, 1, T, T]} broadcastable over grouped heads
     */
    static NDArray build(NDManager manager, int batch, int length, int[] keyMask, OptionalInt window) {
        int w = window.orElse(Integer.MAX_VALUE);
        float[] mask = new float[Math.multiplyExact(batch, Math.multiplyExact(length, length))];
        for (int b = 0; b < batch; b++) {
            int rowBase = b * length;
            for (int i = 0; i < length; i++) {
                int base = (rowBase + i) * length;
                for (int j = 0; j < length; j++) {
                    boolean visible = j <= i && i - j < w && keyMask[rowBase + j] == 1;
                    mask[base + j] = visible ? 0f : BLOCKED;
                }
            }
        }
        return manager.create(mask, new Shape(batch, 1, 1, length, length));
    }
}
