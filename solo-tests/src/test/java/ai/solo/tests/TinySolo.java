package ai.solo.tests;

import ai.solo.Logits;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.image.ImagePatcher;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A tiny random SOLO model with SOLO-7B's vocabulary (Mistral's 32,000 pieces plus the 1,031
 * appended SOLO tokens) and 32-pixel patches, for generation tests through the public API, and
 * a reference greedy decoder that recomputes the whole sequence at every step (no cache).
 */
final class TinySolo {
    /** Mistral's vocabulary plus SOLO's appended tokens, as SOLO-7B. */
    static final int VOCAB = 33031;

    private TinySolo() {
    }

    /** @return a two-layer model shape with SOLO-7B's vocabulary and patch size */
    static SoloConfig.Builder config() {
        return SoloConfig.builder().vocabSize(VOCAB).hiddenSize(16).intermediateSize(32).numHiddenLayers(2)
                .numAttentionHeads(2).numKeyValueHeads(1).visionPatchSize(32);
    }

    /** @return SOLO-7B's tokenizer: the shared Mistral tokenizer with SOLO's tokens appended */
    static SoloTokenizer tokenizer() {
        return SoloTokenizer.load(Fixtures.mistralTokenizer());
    }

    /**
     * @param width pixels
     * @param height pixels
     * @param seed varies the colours
     * @return an RGB image with a smooth pattern
     */
    static BufferedImage image(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 255 / width + seed * 40) & 0xFF;
                int g = (y * 255 / height + seed * 90) & 0xFF;
                int b = ((x + y) * 7 + seed * 13) & 0xFF;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    /** @return the prompt the default generator builds: SOLO-7B's chat format, 32-pixel patches */
    static TokenSequence render(SoloTokenizer tokenizer, Conversation conversation) {
        return ChatTemplates.solo7B().render(conversation,
                new ChatTemplate.Context(tokenizer, ImagePatcher.builder().patchSize(32).build(), ImageClose.VISION));
    }

    /** Greedy tokens and their log-probabilities, recomputed without a cache. */
    record Reference(int[] tokens, double[] logprobs) {
    }

    /**
     * Greedy decoding by running the whole growing sequence through {@link SoloModel#logits} at
     * every step: no cache involved. Suppressed ids score {@code -inf}.
     *
     * @param model the model
     * @param prompt the laid-out prompt
     * @param steps tokens to generate
     * @param suppressed ids never chosen
     * @return the tokens and their log-softmax among the ids not suppressed
     */
    static Reference recomputeGreedy(SoloModel model, TokenSequence prompt, int steps, int[] suppressed) {
        return recomputeGreedy(model, prompt, steps, suppressed, 1.0);
    }

    /**
     * As {@link #recomputeGreedy(SoloModel, TokenSequence, int, int[])}, with transformers'
     * repetition penalty on every id of the sequence so far: negative scores multiplied by
     * {@code penalty}, others divided by it.
     */
    static Reference recomputeGreedy(SoloModel model, TokenSequence prompt, int steps, int[] suppressed,
            double penalty) {
        int[] ids = prompt.inputIds().clone();
        int[] idx = prompt.patchIndices().clone();
        int[] out = new int[steps];
        double[] logprobs = new double[steps];
        for (int s = 0; s < steps; s++) {
            TokenSequence seq = new TokenSequence(ids, idx, new boolean[ids.length], prompt.patches(),
                    prompt.patchDim(), prompt.grids());
            Logits logits = model.logits(seq);
            float[] row = logits.row(0, ids.length - 1);
            if (penalty != 1.0) {
                for (int id : Arrays.stream(ids).distinct().toArray()) {
                    row[id] = (float) (row[id] < 0 ? row[id] * penalty : row[id] / penalty);
                }
            }
            for (int id : suppressed) {
                row[id] = Float.NEGATIVE_INFINITY;
            }
            int best = 0;
            for (int v = 1; v < row.length; v++) {
                if (row[v] > row[best]) {
                    best = v;
                }
            }
            out[s] = best;
            logprobs[s] = row[best] - logSumExp(row);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = best;
            idx = Arrays.copyOf(idx, idx.length + 1);
            idx[idx.length - 1] = -1;
        }
        return new Reference(out, logprobs);
    }

    private static double logSumExp(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /**
     * A tiny random model with the Mistral tokenizer attached and a generator over it: the
     * fixture of the generator tests. Closing it closes model and tokenizer.
     *
     * @param tokenizer the Mistral tokenizer
     * @param model the model
     * @param generator its generator (SOLO-7B format)
     */
    record Loaded(SoloTokenizer tokenizer, SoloModel model, ai.solo.generate.Generator generator) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    /**
     * @param seed weight seed
     * @return a tiny model of {@link #config()} with the tokenizer attached, and its generator
     */
    static Loaded load(long seed) {
        SoloTokenizer tokenizer = tokenizer();
        SoloModel model = SoloModel.create(config().build(), seed);
        model.attachTokenizer(tokenizer);
        return new Loaded(tokenizer, model, ai.solo.generate.Generator.create(model));
    }

    /**
     * @param maxNewTokens most tokens to generate
     * @return greedy decoding with SOLO tokens suppressed
     */
    static ai.solo.generate.GenerationConfig greedy(int maxNewTokens) {
        return ai.solo.generate.GenerationConfig.builder().maxNewTokens(maxNewTokens).build();
    }
}
