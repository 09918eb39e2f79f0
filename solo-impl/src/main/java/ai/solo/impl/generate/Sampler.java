package ai.solo.impl.generate;

import ai.solo.EngineException;
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
     * @param seed this sequence's sampler seed
     */
    Sampler(GenerationConfig config, int[] suppressed, int[] promptIds, long seed) {
        this.config = config;
        this.suppressed = suppressed;
        this.random = new SplittableRandom(seed);
        for (int id : promptIds) {
            seen.set(id);
        }
    }

    /**
     * @param logits the next-token scores of this sequence; modified in place
     * @return the chosen token id
     * @throws EngineException if the scores hold NaN (an overflow in the model)
     */
    int next(float[] logits) {
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new EngineException("the model produced a NaN score for token " + i
                        + " (a numeric overflow; float16 weights can cause it)");
            }
        }
        penalizeRepeats(logits);
        for (int id : suppressed) {
            logits[id] = Float.NEGATIVE_INFINITY;
        }
        int token = config.doSample() ? sample(logits) : argmax(logits);
        if (config.returnLogprobs()) {
            lastLogprob = (float) (logits[token] - logSumExp(logits));
        }
        seen.set(token);
        return token;
    }

    /** @return log-probability of the last token after penalty and suppression, before temperature; NaN unless requested */
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
        int[] order = candidates(logits);
        int keep = order.length;
        double temperature = config.temperature();
        double max = logits[order[0]] / temperature;
        double[] probs = new double[keep];
        double total = 0;
        for (int r = 0; r < keep; r++) {
            float l = logits[order[r]];
            probs[r] = l == Float.NEGATIVE_INFINITY ? 0 : Math.exp(l / temperature - max);
            total += probs[r];
        }
        if (config.topP() < 1.0) {
            // keep each token while the tokens more likely than it hold less than top_p: transformers' cut
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
        int lastPositive = 0;
        for (int r = 0; r < keep; r++) {
            mass += probs[r];
            if (probs[r] > 0) {
                lastPositive = r;
            }
        }
        double u = random.nextDouble() * mass;
        for (int r = 0; r < keep; r++) {
            u -= probs[r];
            if (u < 0) {
                return order[r];
            }
        }
        return order[lastPositive]; // rounding left u >= 0: take the last token that can be drawn
    }

    /**
     * Token ids in descending score order (lowest id first among equals): all of them, or with
     * top-k only those scoring at least the k-th best, found by selection rather than a full sort.
     */
    private int[] candidates(float[] logits) {
        int vocab = logits.length;
        int k = config.topK();
        if (k > 0 && k < vocab) {
            float threshold = kthLargest(logits, k);
            int n = 0;
            for (float l : logits) {
                if (l >= threshold) {
                    n++;
                }
            }
            int[] ids = new int[n];
            n = 0;
            for (int i = 0; i < vocab; i++) {
                if (logits[i] >= threshold) {
                    ids[n++] = i;
                }
            }
            return sortDescending(ids, logits);
        }
        int[] ids = new int[vocab];
        Arrays.setAll(ids, i -> i);
        return sortDescending(ids, logits);
    }

    /** The k-th largest value, with a size-k min-heap: O(V log k). */
    private static float kthLargest(float[] logits, int k) {
        float[] heap = new float[k];
        int size = 0;
        for (float l : logits) {
            if (size < k) {
                heap[size] = l;
                siftUp(heap, size++);
            } else if (l > heap[0]) {
                heap[0] = l;
                siftDown(heap, k);
            }
        }
        return heap[0];
    }

    private static void siftUp(float[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent] <= heap[i]) {
                return;
            }
            float t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
    }

    private static void siftDown(float[] heap, int size) {
        int i = 0;
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < size && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            float t = heap[smallest];
            heap[smallest] = heap[i];
            heap[i] = t;
            i = smallest;
        }
    }

    private static int[] sortDescending(int[] ids, float[] logits) {
        long[] keys = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            keys[i] = ((long) sortableDescending(logits[ids[i]]) << 32) | ids[i];
        }
        Arrays.sort(keys);
        int[] out = new int[ids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) keys[i];
        }
        return out;
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

    private static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }
}
