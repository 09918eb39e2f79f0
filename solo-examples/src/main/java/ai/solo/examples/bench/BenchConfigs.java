package ai.solo.examples.bench;

import ai.solo.SoloConfig;
import java.util.List;

/**
 * The model sizes the suite measures, and the floating-point work of each measurement: the
 * numerator of model-FLOPs utilisation (MFU).
 */
public final class BenchConfigs {
    /** Every training example is this long; attention stays within an example. */
    public static final int EXAMPLE_TOKENS = 512;
    /** Never produced once ids from 32000 up are suppressed: generation runs to its length. */
    static final int UNREACHABLE_EOS = 32001;

    private BenchConfigs() {
    }

    /** @return the names {@link #config} knows, smallest first */
    public static List<String> names() {
        return List.of("tiny", "small", "medium");
    }

    /**
     * @param name {@code small} (hidden 512, 8 layers, 8 heads, 2 kv heads, MLP 1408), {@code
     *     medium} (1024, 16, 16, 4, 2816) or {@code tiny} (64, 2, 4, 2, 128: for smoke tests)
     * @return the config, vocabulary 33031, patch 32, RMSNorm eps 1e-5
     */
    public static SoloConfig config(String name) {
        SoloConfig.Builder b = SoloConfig.builder().vocabSize(33031).visionPatchSize(32).rmsNormEps(1e-5)
                .ropeTheta(10000).eosTokenId(UNREACHABLE_EOS);
        return switch (name) {
            case "tiny" -> b.hiddenSize(64).numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2)
                    .intermediateSize(128).build();
            case "small" -> b.hiddenSize(512).numHiddenLayers(8).numAttentionHeads(8).numKeyValueHeads(2)
                    .intermediateSize(1408).build();
            case "medium" -> b.hiddenSize(1024).numHiddenLayers(16).numAttentionHeads(16).numKeyValueHeads(4)
                    .intermediateSize(2816).build();
            default -> throw new IllegalArgumentException("unknown config '" + name + "'; known: " + names());
        };
    }

    /** @return multiply-accumulate weights of one decoder layer's projections and MLP */
    static long layerMatmulWeights(SoloConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        return h * (q + 2 * kv) + q * h + 3 * h * c.intermediateSize();
    }

    /**
     * Training FLOPs per token, PaLM's convention: {@code 6 N} for the matmul weights a token
     * passes through (layers and output head) plus {@code 12 L d S} for attention over a context
     * of {@code S} keys, forward and backward. Scores are computed for whole 512-token examples
     * on both sides (masked, not skipped), so the full context counts.
     *
     * @param c the config
     * @return FLOPs per trained token
     */
    public static double trainFlopsPerToken(SoloConfig c) {
        long n = c.numHiddenLayers() * layerMatmulWeights(c) + (long) c.vocabSize() * c.hiddenSize();
        double attention = 12.0 * c.numHiddenLayers() * c.numAttentionHeads() * c.headDim() * EXAMPLE_TOKENS;
        return 6.0 * n + attention;
    }

    /**
     * Prefill FLOPs of a prompt: every position through every layer, a full {@code T x T} score
     * matrix per layer (the masked half is computed too), patch embeddings, and the output head
     * at the last position only.
     *
     * @param c the config
     * @param tokens prompt length
     * @param patches image patches in the prompt
     * @return FLOPs of the forward pass
     */
    public static double prefillFlops(SoloConfig c, int tokens, int patches) {
        double layers = 2.0 * tokens * c.numHiddenLayers() * layerMatmulWeights(c);
        double attention = 4.0 * c.numHiddenLayers() * c.numAttentionHeads() * c.headDim() * (double) tokens * tokens;
        double vision = 2.0 * patches * c.patchDim() * c.hiddenSize();
        double head = 2.0 * c.vocabSize() * c.hiddenSize();
        return layers + attention + vision + head;
    }
}
