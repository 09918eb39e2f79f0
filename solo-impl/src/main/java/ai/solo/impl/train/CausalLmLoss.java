package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.solo.impl.model.SoloTransformer;

/**
 * Next-token cross-entropy over the target positions of a packed batch. The output head runs
 * only at those positions ({@code [N, hidden] -> [N, vocab]} instead of {@code [B * T, vocab]}),
 * which for a 32k vocabulary is most of the memory a full-sequence loss would take.
 */
final class CausalLmLoss {
    private CausalLmLoss() {
    }

    /**
     * @param transformer the network
     * @param batch packed rows with labels
     * @param manager scope of the computation
     * @return scalar: the summed negative log-likelihood of every target token
     */
    static NDArray sum(SoloTransformer transformer, PackedBatch batch, NDManager manager) {
        return fromHidden(transformer, transformer.hidden(batch.batch(), manager), batch, manager);
    }

    /**
     * @param transformer the network whose output head scores the hidden states
     * @param hidden final hidden states {@code [B, T, hidden]} of the batch
     * @param batch packed rows with labels
     * @param manager scope of the computation
     * @return scalar: the summed negative log-likelihood of every target token
     */
    static NDArray fromHidden(SoloTransformer transformer, NDArray hidden, PackedBatch batch, NDManager manager) {
        int[] labels = batch.labels();
        int n = (int) batch.targetTokens();
        long[] positions = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                positions[k] = i;
                targets[k] = labels[i];
                k++;
            }
        }
        NDArray flat = hidden.reshape(-1, hidden.getShape().get(2));
        NDArray index = manager.create(positions);
        // an embedding lookup into the hidden states: a gather whose gradient scatters back
        NDArray picked = index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE).singletonOrThrow();
        NDArray logProbs = transformer.head(picked).logSoftmax(-1); // [N, vocab]
        return logProbs.gather(manager.create(targets, new Shape(n, 1)), 1).sum().neg();
    }
}
