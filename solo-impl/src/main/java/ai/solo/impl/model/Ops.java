package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Single engine calls the blocks share, so each costs one native op rather than several. */
final class Ops {
    /**
     * Inference over this few rows (a decode step of a batch) multiplies the other way round:
     * {@code (W @ x^T)^T}. libtorch's MKL runs {@code x @ W^T} with 2-16 rows up to 3x slower
     * than with one (the small config's output head: 6.3 ms for 1 row, 10.6 ms for 8), while
     * its skinny-N kernel streams the weight once; a batched decode step of the small config
     * went from 29 to 19.5 ms, the cost of a single row's (project machine, 8 rows).
     */
    private static final long MIN_SKINNY_ROWS = 2;
    private static final long MAX_SKINNY_ROWS = 16;

    private Ops() {
    }

    /**
     * @param x input {@code [..., in]}
     * @param weight {@code [out, in]}, as checkpoints store it
     * @return {@code x @ weight^T}, {@code [..., out]}, without materialising the transpose
     */
    static NDArray linear(NDArray x, NDArray weight) {
        Shape shape = x.getShape();
        long in = weight.getShape().get(1);
        long rows = shape.size() / in;
        // training keeps the one formulation: its tests compare gradients across batch shapes
        if (rows >= MIN_SKINNY_ROWS && rows <= MAX_SKINNY_ROWS && !weight.hasGradient() && !x.hasGradient()) {
            NDArray product = weight.matMul(x.reshape(rows, in).transpose()); // [out, rows]
            product.attach(x.getManager()); // an op on the weight lands in the weight's manager
            return product.transpose().reshape(shape.slice(0, shape.dimension() - 1).add(weight.getShape().get(0)));
        }
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
