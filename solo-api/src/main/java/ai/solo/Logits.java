package ai.solo;

/**
 * Next-token scores of a forward pass, float32, shape {@code [B, T, V]} row-major.
 *
 * @param batchSize B
 * @param seqLen T
 * @param vocabSize V
 * @param values the scores; shared, treat as read-only
 */
public record Logits(int batchSize, int seqLen, int vocabSize, float[] values) {

    /**
     * Checks that {@code values} holds {@code B * T * V} floats.
     *
     * @param batchSize B
     * @param seqLen T
     * @param vocabSize V
     * @param values the scores; shared, treat as read-only
     */
    public Logits {
        long expected = (long) batchSize * seqLen * vocabSize;
        if (values == null || values.length != expected) {
            throw new InvalidInputException("logits hold " + (values == null ? 0 : values.length)
                    + " floats, shape [" + batchSize + ", " + seqLen + ", " + vocabSize + "] needs " + expected);
        }
    }

    /**
     * @param b sequence in the batch
     * @param t position
     * @param v token id
     * @return the score of token {@code v} following position {@code t} of sequence {@code b}
     */
    public float get(int b, int t, int v) {
        return values[offset(b, t) + v];
    }

    /**
     * @param b sequence in the batch
     * @param t position
     * @return a copy of the {@code V} scores at that position
     */
    public float[] row(int b, int t) {
        float[] out = new float[vocabSize];
        System.arraycopy(values, offset(b, t), out, 0, vocabSize);
        return out;
    }

    /**
     * @param b sequence in the batch
     * @param t position
     * @return the highest-scoring token id at that position (lowest id on ties)
     */
    public int argmax(int b, int t) {
        int base = offset(b, t);
        int best = 0;
        for (int v = 1; v < vocabSize; v++) {
            if (values[base + v] > values[base + best]) {
                best = v;
            }
        }
        return best;
    }

    private int offset(int b, int t) {
        if (b < 0 || b >= batchSize || t < 0 || t >= seqLen) {
            throw new InvalidInputException("position (" + b + ", " + t + ") outside [" + batchSize + ", " + seqLen + "]");
        }
        return (b * seqLen + t) * vocabSize;
    }
}
