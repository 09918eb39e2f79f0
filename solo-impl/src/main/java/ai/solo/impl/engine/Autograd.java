package ai.solo.impl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * PyTorch autograd as training needs it, beyond DJL's {@code GradientCollector}: recording on
 * the calling thread only (PyTorch's grad mode is thread-local, while DJL allows one collector
 * in the whole JVM, so data-parallel replicas could not record at once), and a backward pass
 * from a given output gradient, which activation checkpointing needs to run one layer's
 * backward on its own.
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Runs work with autograd recording on this thread, restoring the previous mode after.
     *
     * @param work the forward computation to record
     * @param <T> its result
     * @return what the work returned
     */
    public static <T> T recording(Supplier<T> work) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /**
     * {@code x * factor}, safe to back-propagate through at any later time. DJL's
     * {@code mul(Number)} wraps the factor around a Java buffer (PyTorch's {@code from_blob})
     * and closes it right after the op, but autograd keeps the factor for the backward pass:
     * once the garbage collector frees that buffer, the backward pass reads freed memory (NaN
     * gradients or a crash, seen on long runs). Here the factor is a tensor PyTorch owns.
     *
     * @param x activations, recorded or not
     * @param factor the scalar
     * @return the product, in {@code x}'s type and on its device
     */
    public static NDArray mul(NDArray x, float factor) {
        try (NDArray f = x.getManager().full(new Shape(), factor, x.getDataType())) {
            return x.mul(f);
        }
    }

    /**
     * Back-propagates from a scalar, accumulating into the gradients of every leaf that
     * requires one; the recorded graph is freed.
     *
     * @param scalar a recorded scalar, e.g. a loss
     */
    public static void backward(NDArray scalar) {
        try (NDArray ones = scalar.onesLike()) {
            backward(scalar, ones);
        }
    }

    /**
     * Back-propagates a given gradient of {@code output} (the vector of a vector-Jacobian
     * product), accumulating into the gradients of every leaf that requires one.
     *
     * @param output a recorded array
     * @param gradient d(loss)/d(output), same shape and type
     */
    public static void backward(NDArray output, NDArray gradient) {
        JniUtils.backward((PtNDArray) output, (PtNDArray) gradient, false, false);
    }
}
