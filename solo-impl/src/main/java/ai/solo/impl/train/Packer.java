package ai.solo.impl.train;

import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.text.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Concatenates examples into rows of a fixed length with block-diagonal attention: each row
 * holds whole examples (one that does not fit starts the next row), segment ids keep examples
 * from attending to each other and position ids restart at 0 for each. The label of the last
 * token of an example is -1: it is never trained to predict the next example's first token.
 */
final class Packer {
    private final int length;
    private final List<TokenSequence> row = new ArrayList<>();
    private int rowTokens;

    /** @param length tokens per row */
    Packer(int length) {
        this.length = length;
    }

    /**
     * Cuts an example to the row length, never through an image layout.
     *
     * @param seq an encoded example
     * @return the example, shortened if needed, or null if its images alone do not fit a row
     */
    TokenSequence fit(TokenSequence seq) {
        if (seq.length() <= length) {
            return seq;
        }
        int[] patchIdx = seq.patchIndices();
        int cut = length;
        // an image's tokens run from <vision> to its closing token: cutting inside leaves half an image
        for (int t = cut; t < seq.length(); t++) {
            if (patchIdx[t] >= 0) {
                return null;
            }
        }
        int lastPatch = -1;
        int lastPatchAt = -1;
        for (int t = 0; t < cut; t++) {
            if (patchIdx[t] >= 0) {
                lastPatch = patchIdx[t];
                lastPatchAt = t;
            }
        }
        if (lastPatchAt >= cut - 1 && lastPatchAt >= 0) {
            return null; // the cut would drop the image's closing token
        }
        int patchCount = lastPatch + 1;
        int dim = patchCount == 0 ? 0 : seq.patchDim();
        return new TokenSequence(Arrays.copyOf(seq.inputIds(), cut), Arrays.copyOf(patchIdx, cut),
                Arrays.copyOf(seq.lossMask(), cut), Arrays.copyOf(seq.patches(), patchCount * dim), dim, List.of());
    }

    /**
     * @param seq an example no longer than a row (see {@link #fit})
     * @return whether it was added; false when the current row is full and must be taken first
     */
    boolean offer(TokenSequence seq) {
        if (seq.length() > length) {
            throw new InvalidInputException("example of " + seq.length() + " tokens is longer than a row of " + length);
        }
        if (rowTokens + seq.length() > length) {
            return false;
        }
        row.add(seq);
        rowTokens += seq.length();
        return true;
    }

    /**
     * Adds an example, starting a new row when it does not fit the current one.
     *
     * @param seq an example no longer than a row (see {@link #fit})
     * @return the row it completed, or null while the current row still had room
     */
    List<TokenSequence> push(TokenSequence seq) {
        if (offer(seq)) {
            return null;
        }
        List<TokenSequence> full = takeRow();
        offer(seq);
        return full;
    }

    /** @return whether the current row holds any example */
    boolean hasRow() {
        return !row.isEmpty();
    }

    /** @return the current row's examples, emptying it */
    List<TokenSequence> takeRow() {
        List<TokenSequence> out = List.copyOf(row);
        row.clear();
        rowTokens = 0;
        return out;
    }

    /**
     * Lays rows out as one batch, padding each to the row length.
     *
     * @param rows the rows, each a list of examples
     * @param length tokens per row
     * @return the packed batch
     */
    static PackedBatch batch(List<List<TokenSequence>> rows, int length) {
        int b = rows.size();
        int cells = Math.multiplyExact(b, length);
        int[] ids = new int[cells];
        int[] patchIdx = new int[cells];
        int[] mask = new int[cells];
        int[] positions = new int[cells];
        int[] segments = new int[cells];
        int[] labels = new int[cells];
        Arrays.fill(patchIdx, -1);
        Arrays.fill(labels, -1);
        Arrays.fill(segments, -1);
        int dim = 0;
        long floats = 0;
        for (List<TokenSequence> row : rows) {
            if (row.stream().mapToInt(TokenSequence::length).sum() > length) {
                throw new InvalidInputException("a packed row holds more than " + length + " tokens");
            }
            for (TokenSequence s : row) {
                floats += s.patches().length;
                if (s.patchDim() != 0) {
                    dim = s.patchDim();
                }
            }
        }
        float[] patches = new float[Math.toIntExact(floats)];
        int patchOffset = 0;
        int floatOffset = 0;
        long tokens = 0;
        long targets = 0;
        for (int r = 0; r < b; r++) {
            int t = r * length;
            int segment = 0;
            for (TokenSequence s : rows.get(r)) {
                for (int i = 0; i < s.length(); i++, t++) {
                    ids[t] = s.inputIds()[i];
                    int p = s.patchIndices()[i];
                    patchIdx[t] = p < 0 ? -1 : p + patchOffset;
                    mask[t] = 1;
                    positions[t] = i;
                    segments[t] = segment;
                    if (i + 1 < s.length() && s.lossMask()[i + 1]) {
                        labels[t] = s.inputIds()[i + 1];
                        targets++;
                    }
                }
                System.arraycopy(s.patches(), 0, patches, floatOffset, s.patches().length);
                floatOffset += s.patches().length;
                patchOffset += s.patchCount();
                tokens += s.length();
                segment++;
            }
        }
        ModelBatch batch = new ModelBatch(b, length, ids, patchIdx, patches, dim, mask, positions, segments);
        return new PackedBatch(batch, labels, tokens, targets);
    }
}
