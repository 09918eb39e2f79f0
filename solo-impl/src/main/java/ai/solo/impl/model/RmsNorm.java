package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Root-mean-square normalisation as transformers' {@code MistralRMSNorm}: statistics in float32
 * whatever the input type, then {@code weight * x} in the input type.
 */
final class RmsNorm {
    private RmsNorm() {
    }

    /**
     * @param x activations {@code [..., hidden]}
     * @param weight scale {@code [hidden]}
     * @param eps added to the mean square
     * @return normalised activations, same shape and type as {@code x}
     */
    static NDArray apply(NDArray x, NDArray weight, float eps) {
        DataType type = x.getDataType();
        NDArray x32 = Ops.cast(x, DataType.FLOAT32);
        NDArray rms = x32.square().mean(new int[] {-1}, true).add(eps).sqrt();
        NDArray normed = Ops.cast(x32.div(rms), type);
        // the activation first: results belong to its (per-request) manager, not to the weights'
        return normed.mul(weight);
    }
}
