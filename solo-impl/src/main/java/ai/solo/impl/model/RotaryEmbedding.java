package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embedding with transformers' {@code rotate_half} convention: the first and
 * second halves of each head are rotated together (not interleaved pairs);
 * {@code inv_freq[i] = 1 / theta^(2i / head_dim)}; angles computed in float32.
 */
final class RotaryEmbedding {
    private final float[] invFreq; // [head_dim / 2]

    RotaryEmbedding(int headDim, double theta) {
        invFreq = new float[headDim / 2];
        for (int i = 0; i < invFreq.length; i++) {
            invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
    }

    /**
     * Cosine and sine tables for the given positions.
     *
     * @param positions position ids {@code [B, T]}, any integer type
     * @param type the activations' type, which the tables are cast to
     * @return {@code [cos, sin]}, each {@code [B, T, 1, head_dim]} to broadcast over heads
     */
    NDArray[] tables(NDArray positions, DataType type) {
        NDManager manager = positions.getManager();
        Shape s = positions.getShape();
        NDArray freq = manager.create(invFreq).reshape(1, 1, invFreq.length);
        NDArray angles = positions.toType(DataType.FLOAT32, false).reshape(s.get(0), s.get(1), 1).mul(freq);
        NDArray full = angles.concat(angles, -1).expandDims(2);
        NDArray cos = full.cos();
        NDArray sin = full.sin();
        if (type != DataType.FLOAT32) {
            cos = cos.toType(type, false);
            sin = sin.toType(type, false);
        }
        return new NDArray[] {cos, sin};
    }

    /**
     * @param x queries or keys {@code [B, T, heads, head_dim]}
     * @param cos from {@link #tables}
     * @param sin from {@link #tables}
     * @return {@code x * cos + rotate_half(x) * sin}
     */
    static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        // one split into two views: string indices would parse and slice every axis, per call
        NDList halves = x.split(2, 3);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
