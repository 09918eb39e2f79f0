package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * SOLO's input stage: token embeddings, plus at each {@code <vpatch>} position a bias-free
 * linear projection of that raw image patch (SPEC §1). There is no vision encoder.
 */
final class InputEmbedding {
    private final NDArray tokens; // [vocab, hidden]
    private final NDArray patchProjection; // [hidden, 3 * P * P]

    InputEmbedding(ModelWeights weights) {
        tokens = weights.get(TensorNames.EMBED_TOKENS);
        patchProjection = weights.get(TensorNames.EMBED_VISION_PATCH);
    }

    /**
     * @param ids token ids {@code [B, T]} int64
     * @param patchRows {@code [B * T]} int64: the patch at each position, or {@code N} (one past
     *     the last patch) for positions without one; null when the batch has no patches
     * @param patches raw patch values {@code [N, 3 * P * P]}, or null
     * @return embeddings {@code [B, T, hidden]} in the weights' type
     */
    NDArray forward(NDArray ids, NDArray patchRows, NDArray patches) {
        Shape s = ids.getShape();
        NDArray embedded = lookup(ids.reshape(-1), tokens);
        if (patches != null) {
            NDManager manager = ids.getManager();
            NDArray projected = Ops.linear(patches.toType(tokens.getDataType(), false), patchProjection);
            // a zero row at index N lets text positions gather "nothing" in the same single op
            NDArray withZero = projected.concat(manager.zeros(new Shape(1, projected.getShape().get(1)),
                    projected.getDataType()), 0);
            embedded = embedded.add(lookup(patchRows, withZero));
        }
        return embedded.reshape(s.get(0), s.get(1), -1);
    }

    private static NDArray lookup(NDArray index, NDArray table) {
        return index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** @return the type activations are computed in */
    DataType dataType() {
        return tokens.getDataType();
    }
}
