package ai.solo.impl.model;

import ai.solo.SoloConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint tensor names and shapes of SPEC §1 (Hugging Face {@code SoloForCausalLM}), in
 * one place. Linear weights are {@code [out, in]}.
 */
public final class TensorNames {
    /** Token embedding {@code [vocab, hidden]}. */
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    /** Patch embedding {@code [hidden, 3 * P * P]}. */
    public static final String EMBED_VISION_PATCH = "model.embed_vision_patch.weight";
    /** Final RMSNorm {@code [hidden]}. */
    public static final String FINAL_NORM = "model.norm.weight";
    /** Output head {@code [vocab, hidden]}. */
    public static final String LM_HEAD = "lm_head.weight";

    private TensorNames() {
    }

    /** @param layer layer index @return {@code model.layers.{i}.self_attn.q_proj.weight} */
    public static String qProj(int layer) {
        return attention(layer, "q_proj");
    }

    /** @param layer layer index @return the key projection name */
    public static String kProj(int layer) {
        return attention(layer, "k_proj");
    }

    /** @param layer layer index @return the value projection name */
    public static String vProj(int layer) {
        return attention(layer, "v_proj");
    }

    /** @param layer layer index @return the attention output projection name */
    public static String oProj(int layer) {
        return attention(layer, "o_proj");
    }

    /** @param layer layer index @return the MLP gate projection name */
    public static String gateProj(int layer) {
        return mlp(layer, "gate_proj");
    }

    /** @param layer layer index @return the MLP up projection name */
    public static String upProj(int layer) {
        return mlp(layer, "up_proj");
    }

    /** @param layer layer index @return the MLP down projection name */
    public static String downProj(int layer) {
        return mlp(layer, "down_proj");
    }

    /** @param layer layer index @return the RMSNorm before attention */
    public static String inputNorm(int layer) {
        return layer(layer) + "input_layernorm.weight";
    }

    /** @param layer layer index @return the RMSNorm before the MLP */
    public static String postAttentionNorm(int layer) {
        return layer(layer) + "post_attention_layernorm.weight";
    }

    /**
     * Every tensor a model of this config has, with its shape, in checkpoint order.
     *
     * @param config the model shape
     * @return name to shape {@code long[]}
     */
    public static Map<String, long[]> expectedShapes(SoloConfig config) {
        long h = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long ffn = config.intermediateSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(EMBED_TOKENS, new long[] {config.vocabSize(), h});
        shapes.put(EMBED_VISION_PATCH, new long[] {h, config.patchDim()});
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            shapes.put(qProj(i), new long[] {q, h});
            shapes.put(kProj(i), new long[] {kv, h});
            shapes.put(vProj(i), new long[] {kv, h});
            shapes.put(oProj(i), new long[] {h, q});
            shapes.put(gateProj(i), new long[] {ffn, h});
            shapes.put(upProj(i), new long[] {ffn, h});
            shapes.put(downProj(i), new long[] {h, ffn});
            shapes.put(inputNorm(i), new long[] {h});
            shapes.put(postAttentionNorm(i), new long[] {h});
        }
        shapes.put(FINAL_NORM, new long[] {h});
        if (!config.tieWordEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {config.vocabSize(), h});
        }
        return shapes;
    }

    /**
     * @param name a tensor name
     * @return whether it is an RMSNorm weight (initialised to one, usually exempt from weight decay)
     */
    public static boolean isNorm(String name) {
        return name.endsWith("layernorm.weight") || name.equals(FINAL_NORM);
    }

    /**
     * @param config the model shape
     * @return the names of {@link #expectedShapes}, in order
     */
    public static List<String> all(SoloConfig config) {
        return new ArrayList<>(expectedShapes(config).keySet());
    }

    private static String layer(int i) {
        return "model.layers." + i + ".";
    }

    private static String attention(int i, String proj) {
        return layer(i) + "self_attn." + proj + ".weight";
    }

    private static String mlp(int i, String proj) {
        return layer(i) + "mlp." + proj + ".weight";
    }
}
