package ai.solo.impl.generate;

import ai.solo.generate.GenerationConfig;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * Picks the next token of one sequence from its logits, in transformers' order: repetition
 * penalty, suppressed tokens, then greedy argmax or temperature, top-k, top-p, min-p and a
 * seeded draw. One sampler per sequence; not thread-safe.
 */
final class Sampler {
    private final GenerationConfig config;
    private final int[] suppressed;
    private final BitSet seen = new BitSet();
    private final SplittableRandom random;
    private float lastLogprob = Float.NaN;

    /**
     * @param config decoding options
     * @param suppressed token ids never to pick (all inside the vocabulary)
     * @param promptIds the prompt, which the repetition penalty counts as already seen
     */
    Sampler(GenerationConfig config, int[] suppressed, int[] promptIds) {
        this.config = config;
        this.suppressed = suppressed;
        this.random = new SplittableRandom(config.seed());
        for (int id : promptIds) {
            seen.set(id);
        }
    }

    /**
     * @param logits the next-token scores of this sequence; modified in place
     * @return the chosen token id
     */
    int next(float[] logits) {
        penalizeRepeats(logits);
        for (int id : suppressed) {
            logits[id] = Float.NEGATIVE_INFINITY;
        }
        double logSumExp = logSumExp(logits, 1.0);
        int token = config.doSample() ? sample(logits) : argmax(logits);
        lastLogprob = (float) (logits[token] - logSumExp);
        seen.set(token);
        return token;
    }

    /** @return log-probability of the last chosen token, after penalty and suppression, before temperature */
    float lastLogprob() {
        return lastLogprob;
    }

    private void penalizeRepeats(float[] logits) {
        double penalty = config.repetitionPenalty();
        if (penalty == 1.0) {
            return;
        }
        for (int id = seen.nextSetBit(0); id >= 0 && id < logits.length; id = seen.nextSetBit(id + 1)) {
            float l = logits[id];
            logits[id] = (float) (l < 0 ? l * penalty : l / penalty);
        }
    }

    private int sample(float[] logits) {
        int vocab = logits.length;
        double temperature = config.temperature();
        // sort once, by descending score: top-k, top-p and min-p are then prefix cuts
        long[] order = new long[vocab];
        for (int i = 0; i < vocab; i++) {
            order[i] = ((long) sortableDescending(logits[i]) << 32) | i;
        }
        Arrays.sort(order);
        int keep = config.topK() > 0 ? Math.min(config.topK(), vocab) : vocab;
        double max = logits[(int) order[0]] / temperature;
        double[] probs = new double[keep];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            float l = logits[(int) order[r]];
            probs[r] = l == Float.NEGATIVE_INFINITY ? 0 : Math.exp(l / temperature - max);
            total += probs[r];
        }
        if (config.topP() < 1.0) {
            double before = 0;
            int r = 0;
            while (r < keep && before < config.topP() * total) {
                before += probs[r++];
            }
            keep = Math.max(1, r);
        }
        if (config.minP() > 0) {
            double threshold = config.minP() * probs[0];
            int r = 1;
            while (r < keep && probs[r] >= threshold) {
                r++;
            }
            keep = r;
        }
        double mass = 0;
        for (int r = 0; r < keep; r++) {
            mass += probs[r];
        }
        double u = random.nextDouble() * mass;
        for (int r = 0; r < keep; r++) {
            u -= probs[r];
            if (u < 0) {
                return (int) order[r];
            }
        }
        return (int) order[keep - 1];
    }

    /** Maps a float to an int whose ascending order is the float's descending order. */
    private static int sortableDescending(float f) {
        int bits = Float.floatToIntBits(f);
        int ascending = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ~ascending;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double logSumExp(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l / temperature - max);
        }
        return max + Math.log(sum);
    }
}
