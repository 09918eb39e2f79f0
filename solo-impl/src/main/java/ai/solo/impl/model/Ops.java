package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Single engine calls the blocks share, so each costs one native op rather than several. */
final class Ops {
    private Ops() {
    }

    /**
     * @param x input {@code [..., in]}
     * @param weight {@code [out, in]}, as checkpoints store it
     * @return {@code x @ weight^T}, {@code [..., out]}, without materialising the transpose
     */
    static NDArray linear(NDArray x, NDArray weight) {
        return x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
    }

    /**
     * @param x any activations
     * @return {@code x * sigmoid(x)}
     */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
