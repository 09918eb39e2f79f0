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
     * Converts activations to another element type in a way autograd follows. DJL's
     * {@code toType} runs under PyTorch's no-grad guard, so while recording (float16 training)
     * the cast is a copy into a new array of the wanted type, which PyTorch differentiates.
     *
     * @param x activations
     * @param type the wanted element type
     * @return {@code x} itself if already of that type, else its converted copy
     */
    static NDArray cast(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        if (!ai.djl.pytorch.jni.JniUtils.isGradMode()) {
            return x.toType(type, false);
        }
        NDArray out = x.getManager().create(x.getShape(), type);
        out.set(new ai.djl.ndarray.index.NDIndex(":"), x);
        return out;
    }

    /**
     * @param x any activations
     * @return {@code x * sigmoid(x)}
     */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
