package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.solo.impl.engine.Autograd;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.engine.Scopes;
import ai.solo.impl.model.SoloTransformer;

/**
 * Forward and backward pass of one micro-batch, accumulating gradients into the trainable
 * parameters. Two ways: {@link #FULL} keeps every activation for the backward pass;
 * {@link #CHECKPOINTED} keeps only each decoder layer's input and runs the layer again, this
 * time recorded, when the backward pass reaches it (activation checkpointing), which trades
 * about one more forward pass for the activations of all but one layer.
 */
enum Backprop {
    /** Everything recorded in one forward pass, one backward pass. */
    FULL {
        @Override
        double run(SoloTransformer transformer, PackedBatch batch, float gradScale, NDManager manager) {
            NDArray hidden = Autograd.recording(() -> transformer.hidden(batch.batch(), manager));
            // the head's backward runs chunk by chunk into a detached copy, then the layers' at once
            NDArray detached = leaf(hidden.stopGradient());
            double nll = CausalLmLoss.backwardInChunks(transformer, detached, batch, gradScale, LOSS_CHUNK, manager);
            Autograd.backward(hidden, detached.getGradient());
            return nll;
        }
    },
    /** Layer inputs kept, each layer recomputed in the backward pass. */
    CHECKPOINTED {
        @Override
        double run(SoloTransformer transformer, PackedBatch batch, float gradScale, NDManager manager) {
            SoloTransformer.Pass pass = transformer.begin(batch.batch(), manager);
            int layers = pass.layerCount();
            NDArray[] inputs = new NDArray[layers + 1];
            // forward without recording: nothing but the layer inputs survives
            Engines.withoutGradient(() -> {
                NDArray x = pass.embed();
                for (int i = 0; i < layers; i++) {
                    inputs[i] = x;
                    x = pass.layer(i, x);
                }
                inputs[layers] = x;
            });
            // the loss on the last hidden states gives the gradient flowing into the last layer
            NDArray hidden = leaf(inputs[layers]);
            double nll = CausalLmLoss.backwardInChunks(transformer, hidden, batch, gradScale, LOSS_CHUNK, manager);
            NDArray grad = Scopes.keepOnly(hidden::getGradient);
            for (int i = layers - 1; i >= 0; i--) {
                int index = i;
                NDArray outputGrad = grad;
                grad = Scopes.keepOnly(() -> {
                    NDArray x = leaf(inputs[index]);
                    Autograd.backward(Autograd.recording(() -> pass.layer(index, x)), outputGrad);
                    return x.getGradient();
                });
                outputGrad.close();
                inputs[index + 1].close();
            }
            NDArray embeddingGrad = grad;
            Scopes.keepOnly(() -> {
                Autograd.backward(Autograd.recording(pass::embed), embeddingGrad);
                return null;
            });
            embeddingGrad.close();
            inputs[0].close();
            return nll;
        }
    };

    /** Target positions whose logits exist at once (see {@link CausalLmLoss#backwardInChunks}). */
    static final int LOSS_CHUNK = 1024;

    /**
     * @param transformer the network, whose trainable parameters require gradients
     * @param batch packed rows with labels
     * @param gradScale factor on the summed loss before backward (1 / targets of the step, times
     *     any loss scale)
     * @param manager scope of the pass; the caller closes it
     * @return the summed negative log-likelihood of the batch's targets (unscaled)
     */
    abstract double run(SoloTransformer transformer, PackedBatch batch, float gradScale, NDManager manager);

    /** @return an array computed without recording, made a leaf whose gradient the backward pass fills */
    private static NDArray leaf(NDArray detached) {
        detached.setRequiresGradient(true);
        return detached;
    }
}
