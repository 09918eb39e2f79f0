package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.solo.impl.engine.Autograd;
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
        long[][] picked = targets(batch, 0, (int) batch.targetTokens());
        return chunk(transformer, hidden, picked[0], picked[1], manager);
    }

    /**
     * Loss and its backward pass through the output head, {@code chunk} target positions at a
     * time: only one chunk's {@code [chunk, vocab]} logits (and their gradient) exist at once,
     * where the whole batch's would be the largest activation of a long packed row (4,096
     * targets x a 32k vocabulary = 540 MB per copy in float32).
     *
     * @param transformer the network whose output head scores the hidden states
     * @param hidden final hidden states {@code [B, T, hidden]}, a leaf that requires a gradient;
     *     d(gradScale * loss)/d(hidden) accumulates into it, the head's gradients into the head
     * @param batch packed rows with labels
     * @param gradScale factor on the summed loss before backward
     * @param chunk target positions per chunk
     * @param manager scope of the computation
     * @return the summed negative log-likelihood of every target token (unscaled)
     */
    static double backwardInChunks(SoloTransformer transformer, NDArray hidden, PackedBatch batch, float gradScale,
            int chunk, NDManager manager) {
        int n = (int) batch.targetTokens();
        double sum = 0;
        for (int from = 0; from < n; from += chunk) {
            long[][] picked = targets(batch, from, Math.min(n, from + chunk));
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray nll = Autograd.recording(() -> chunk(transformer, hidden, picked[0], picked[1], manager));
                Autograd.backward(Autograd.recording(() -> Autograd.mul(nll, gradScale)));
                sum += nll.getFloat();
            }
        }
        return sum;
    }

    /** @return positions and labels of the targets {@code from..to} (in order of position) */
    private static long[][] targets(PackedBatch batch, int from, int to) {
        int[] labels = batch.labels();
        long[] positions = new long[to - from];
        long[] targets = new long[to - from];
        int seen = 0;
        for (int i = 0; i < labels.length && seen < to; i++) {
            if (labels[i] >= 0) {
                if (seen >= from) {
                    positions[seen - from] = i;
                    targets[seen - from] = labels[i];
                }
                seen++;
            }
        }
        return new long[][] {positions, targets};
    }

    private static NDArray chunk(SoloTransformer transformer, NDArray hidden, long[] positions, long[] targets,
            NDManager manager) {
        NDArray flat = hidden.reshape(-1, hidden.getShape().get(2));
        NDArray index = manager.create(positions);
        // an embedding lookup into the hidden states: a gather whose gradient scatters back
        NDArray picked = index.getNDArrayInternal().embedding(index, flat, SparseFormat.DENSE).singletonOrThrow();
        NDArray logProbs = transformer.head(picked).logSoftmax(-1); // [N, vocab]
        return logProbs.gather(manager.create(targets, new Shape(targets.length, 1)), 1).sum().neg();
    }
}
