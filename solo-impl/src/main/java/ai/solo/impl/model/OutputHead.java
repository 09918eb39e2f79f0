package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.solo.SoloConfig;

/** SOLO's output stage: final RMSNorm, then {@code lm_head} to vocabulary scores. */
final class OutputHead {
    private final NDArray norm; // [hidden]
    private final NDArray lmHead; // [vocab, hidden]
    private final float eps;

    OutputHead(ModelWeights weights, SoloConfig config) {
        norm = weights.get(TensorNames.FINAL_NORM);
        lmHead = config.tieWordEmbeddings()
                ? weights.get(TensorNames.EMBED_TOKENS)
                : weights.get(TensorNames.LM_HEAD);
        eps = (float) config.rmsNormEps();
    }

    /**
     * @param hidden residual stream {@code [B, T, hidden]}
     * @return float32 logits {@code [B, T, vocab]}
     */
    NDArray forward(NDArray hidden) {
        NDArray logits = Ops.linear(RmsNorm.apply(hidden, norm, eps), lmHead);
        return Ops.cast(logits, DataType.FLOAT32);
    }
}
