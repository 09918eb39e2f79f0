package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
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
     * An array with storage of its own, in the given type. Needed because an array created from
     * a direct buffer aliases it, and PyTorch's same-type {@code to()} returns the same storage
     * even when asked to copy; weights must not outlive a buffer they point into.
     *
     * @param staged an array that may alias a buffer
     * @param type the wanted element type
     * @return a new array owning its memory
     */
    static NDArray ownedCopy(NDArray staged, DataType type) {
        return staged.getDataType() == type ? staged.duplicate() : staged.toType(type, false);
    }

    /**
     * @param x any activations
     * @return {@code x * sigmoid(x)}
     */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
