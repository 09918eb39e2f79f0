package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.SoloConfig;
import ai.solo.impl.engine.Autograd;
import java.util.List;

/**
 * One Mistral decoder block: pre-norm grouped-query attention with rotary positions, then a
 * pre-norm SwiGLU MLP, each added to the residual stream.
 *
 * <p>Query heads are grouped by the key/value head they share and multiplied against it in one
 * batched matmul, so key/value heads are never copied {@code num_heads / num_kv_heads} times.
 */
final class DecoderLayer {
    private final NDArray inputNorm; // [hidden]
    private final NDArray wq; // [heads * head_dim, hidden]
    private final NDArray wk; // [kv_heads * head_dim, hidden]
    private final NDArray wv; // [kv_heads * head_dim, hidden]
    private final NDArray wo; // [hidden, heads * head_dim]
    private final NDArray postAttentionNorm; // [hidden]
    private final NDArray wGate; // [ffn, hidden]
    private final NDArray wUp; // [ffn, hidden]
    private final NDArray wDown; // [hidden, ffn]
    private final int layer;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float eps;
    private final float scale;

    DecoderLayer(ModelWeights weights, int layer, SoloConfig config) {
        inputNorm = weights.get(TensorNames.inputNorm(layer));
        wq = weights.get(TensorNames.qProj(layer));
        wk = weights.get(TensorNames.kProj(layer));
        wv = weights.get(TensorNames.vProj(layer));
        wo = weights.get(TensorNames.oProj(layer));
        postAttentionNorm = weights.get(TensorNames.postAttentionNorm(layer));
        wGate = weights.get(TensorNames.gateProj(layer));
        wUp = weights.get(TensorNames.upProj(layer));
        wDown = weights.get(TensorNames.downProj(layer));
        this.layer = layer;
        heads = config.numAttentionHeads();
        kvHeads = config.numKeyValueHeads();
        headDim = config.headDim();
        eps = (float) config.rmsNormEps();
        scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * @param x residual stream {@code [B, T, hidden]}
     * @param context rotary tables and attention mask of this batch
     * @return the updated residual stream {@code [B, T, hidden]}
     */
    NDArray forward(NDArray x, AttentionContext context) {
        NDArray h = x.add(attention(RmsNorm.apply(x, inputNorm, eps), context));
        NDArray normed = RmsNorm.apply(h, postAttentionNorm, eps);
        NDArray mlp = Ops.linear(Ops.silu(Ops.linear(normed, wGate)).mul(Ops.linear(normed, wUp)), wDown);
        return h.add(mlp);
    }

    private NDArray attention(NDArray x, AttentionContext context) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDArray q = Ops.linear(x, wq).reshape(b, t, heads, headDim);
        NDArray k = Ops.linear(x, wk).reshape(b, t, kvHeads, headDim);
        NDArray v = Ops.linear(x, wv).reshape(b, t, kvHeads, headDim);
        q = RotaryEmbedding.apply(q, context.cos(), context.sin());
        k = RotaryEmbedding.apply(k, context.cos(), context.sin());

        NDArray keys = k.transpose(0, 2, 1, 3); // [B, kv, T, d]
        NDArray values = v.transpose(0, 2, 1, 3); // [B, kv, T, d]
        KvCache cache = context.cache();
        if (cache != null) {
            cache.write(layer, context.start(), keys, values);
            if (context.attendToCache()) {
                NDArray[] cached = cache.view(layer, x.getManager());
                keys = cached[0]; // [B, kv, S, d]
                values = cached[1];
            }
        }
        List<AttentionBlock> blocks = context.blocks();
        if (blocks.size() == 1 && blocks.get(0).coversAll(t, keys.getShape().get(2))) {
            return Ops.linear(attend(q, keys, values, blocks.get(0).mask()), wo);
        }
        // one split per tensor, not a slice per block: a slice's backward is a zero-filled
        // gradient of the whole tensor, so T / block slices would cost time quadratic in T
        long[] cuts = new long[blocks.size() - 1];
        for (int i = 1; i < blocks.size(); i++) {
            cuts[i - 1] = blocks.get(i).queryStart();
        }
        NDList queryParts = q.split(cuts, 1);
        NDList keyParts = keys.split(cuts, 2);
        NDList valueParts = values.split(cuts, 2);
        int size = blocks.get(0).queryEnd();
        NDList outputs = new NDList(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            AttentionBlock block = blocks.get(i);
            int first = block.keyStart() / size; // key ranges start on a block boundary (QueryBlocks)
            outputs.add(attend(queryParts.get(i), join(keyParts, first, i), join(valueParts, first, i),
                    block.mask()));
        }
        return Ops.linear(NDArrays.concat(outputs, 1), wo);
    }

    /** @return parts {@code first..last} joined along the sequence axis */
    private static NDArray join(NDList parts, int first, int last) {
        if (first == last) {
            return parts.get(first);
        }
        return NDArrays.concat(new NDList(parts.subList(first, last + 1)), 2);
    }

    /**
     * Scaled dot-product attention of a run of queries against a run of keys.
     *
     * @param q queries {@code [B, Tq, heads, d]}, rotated
     * @param keys {@code [B, kv, Tk, d]}, rotated
     * @param values {@code [B, kv, Tk, d]}
     * @param mask additive {@code [B, 1, 1, Tq, Tk]}
     * @return the heads' outputs side by side {@code [B, Tq, heads * d]}
     */
    private NDArray attend(NDArray q, NDArray keys, NDArray values, NDArray mask) {
        Shape s = q.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int group = heads / kvHeads;
        // [B, T, kv, group, d] -> [B, kv, group * T, d]: the query heads sharing one kv head
        NDArray qg = q.reshape(b, t, kvHeads, group, headDim).transpose(0, 2, 3, 1, 4)
                .reshape(b, kvHeads, group * t, headDim);
        long keyCount = keys.getShape().get(2);
        NDArray scores = Ops.cast(qg.matMul(keys.transpose(0, 1, 3, 2)), DataType.FLOAT32)
                .reshape(b, kvHeads, group, t, keyCount);
        scores = Autograd.mul(scores, scale).add(mask);
        NDArray probs = Ops.cast(scores.softmax(-1), q.getDataType());
        return probs.reshape(b, kvHeads, group * t, keyCount).matMul(values) // [B, kv, group * T, d]
                .reshape(b, kvHeads, group, t, headDim)
                .transpose(0, 3, 1, 2, 4) // [B, T, kv, group, d]
                .reshape(b, t, (long) heads * headDim);
    }
}
