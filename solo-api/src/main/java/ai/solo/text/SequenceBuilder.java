package ai.solo.text;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lays text and images out as one SOLO sequence (SPEC §3) and records which tokens are
 * training targets.
 *
 * <p>An image becomes {@code <vision>}, then each patch row's {@code <vpatch>} tokens with a
 * {@code <vrow_sep>} before every row but the first, then the closing token chosen by
 * {@link ImageClose}. Image tokens are never training targets.
 *
 * <pre>{@code
 * TokenSequence seq = SequenceBuilder.create(tokenizer, ImageClose.VISION)
 *         .image(patches)
 *         .bos()
 *         .text("[INST] What is in the picture? [/INST]", false)
 *         .text("A cat.", true)
 *         .eos(true)
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe; one builder per sequence.
 */
public final class SequenceBuilder {
    private final SoloTokenizer tokenizer;
    private final VisionTokens tokens;
    private final ImageClose close;
    private int[] ids = new int[64];
    private int[] patchIndices = new int[64];
    private boolean[] loss = new boolean[64];
    private int length;
    private final List<float[]> patchBlocks = new ArrayList<>();
    private final List<PatchGrid> grids = new ArrayList<>();
    private int patchCount;
    private int patchDim = -1;

    private SequenceBuilder(SoloTokenizer tokenizer, VisionTokens tokens, ImageClose close) {
        if (tokens == null || close == null) {
            throw new InvalidInputException("vision tokens and image close must not be null");
        }
        this.tokenizer = tokenizer;
        this.tokens = tokens;
        this.close = close;
    }

    /**
     * @param tokenizer encodes text parts and supplies the vision token ids
     * @param close the token that closes each image
     * @return an empty builder
     */
    public static SequenceBuilder create(SoloTokenizer tokenizer, ImageClose close) {
        if (tokenizer == null) {
            throw new InvalidInputException("tokenizer must not be null");
        }
        return new SequenceBuilder(tokenizer, tokenizer.visionTokens(), close);
    }

    /**
     * A builder without a tokenizer, for sequences assembled from token ids only.
     *
     * @param tokens vision token ids
     * @param close the token that closes each image
     * @return an empty builder; {@link #text} is unavailable
     */
    public static SequenceBuilder create(VisionTokens tokens, ImageClose close) {
        return new SequenceBuilder(null, tokens, close);
    }

    /**
     * The token ids of one image's layout, without patches.
     *
     * @param grid the image's patch grid
     * @param tokens vision token ids
     * @param close the closing token
     * @return {@code 2 + rows * cols + (rows - 1)} ids
     */
    public static int[] imageTokenIds(PatchGrid grid, VisionTokens tokens, ImageClose close) {
        int[] out = new int[imageLength(grid)];
        int n = 0;
        out[n++] = tokens.vision();
        for (int r = 0; r < grid.rows(); r++) {
            if (r > 0) {
                out[n++] = tokens.vrowSep();
            }
            for (int c = 0; c < grid.cols(); c++) {
                out[n++] = tokens.vpatch();
            }
        }
        out[n] = close.id(tokens);
        return out;
    }

    /**
     * @param grid an image's patch grid
     * @return number of sequence positions the image takes
     */
    public static int imageLength(PatchGrid grid) {
        return 2 + grid.count() + grid.rows() - 1;
    }

    /**
     * Appends the tokens of some text, encoded without {@code <s>}.
     *
     * @param text the text; vision token strings in it stay plain text
     * @param target whether these tokens are training targets
     * @return this builder
     */
    public SequenceBuilder text(String text, boolean target) {
        if (tokenizer == null) {
            throw new InvalidInputException("this builder has no tokenizer: use tokens(...) or create(tokenizer, close)");
        }
        if (text == null) {
            throw new InvalidInputException("text must not be null");
        }
        return tokens(tokenizer.encode(text), target);
    }

    /**
     * @param tokenIds token ids to append
     * @param target whether they are training targets
     * @return this builder
     */
    public SequenceBuilder tokens(int[] tokenIds, boolean target) {
        if (tokenIds == null) {
            throw new InvalidInputException("tokenIds must not be null");
        }
        for (int id : tokenIds) {
            add(id, -1, target);
        }
        return this;
    }

    /**
     * @param id one token id to append
     * @param target whether it is a training target
     * @return this builder
     */
    public SequenceBuilder token(int id, boolean target) {
        add(id, -1, target);
        return this;
    }

    /** @return this builder with {@code <s>} appended (never a target); needs a tokenizer */
    public SequenceBuilder bos() {
        return token(requireTokenizer().bosTokenId(), false);
    }

    /**
     * @param target whether {@code </s>} is a training target (true for answers the model must end)
     * @return this builder with {@code </s>} appended; needs a tokenizer
     */
    public SequenceBuilder eos(boolean target) {
        return token(requireTokenizer().eosTokenId(), target);
    }

    /**
     * Appends an image's layout and its patches. Never a training target.
     *
     * @param image patches of the image
     * @return this builder
     */
    public SequenceBuilder image(ImagePatches image) {
        if (image == null) {
            throw new InvalidInputException("image must not be null");
        }
        if (patchDim != -1 && patchDim != image.patchDim()) {
            throw new InvalidInputException("image patches have " + image.patchDim()
                    + " values each but earlier images in this sequence have " + patchDim);
        }
        patchDim = image.patchDim();
        PatchGrid grid = image.grid();
        add(tokens.vision(), -1, false);
        int next = patchCount;
        for (int r = 0; r < grid.rows(); r++) {
            if (r > 0) {
                add(tokens.vrowSep(), -1, false);
            }
            for (int c = 0; c < grid.cols(); c++) {
                add(tokens.vpatch(), next++, false);
            }
        }
        add(close.id(tokens), -1, false);
        patchBlocks.add(image.values());
        grids.add(grid);
        patchCount = next;
        return this;
    }

    /** @return number of positions so far */
    public int length() {
        return length;
    }

    /**
     * @return the sequence
     * @throws InvalidInputException if nothing was added
     */
    public TokenSequence build() {
        if (length == 0) {
            throw new InvalidInputException("sequence is empty: add text, tokens or an image first");
        }
        int dim = patchDim == -1 ? 0 : patchDim;
        float[] patches = new float[Math.multiplyExact(patchCount, dim)];
        int offset = 0;
        for (float[] block : patchBlocks) {
            System.arraycopy(block, 0, patches, offset, block.length);
            offset += block.length;
        }
        return new TokenSequence(Arrays.copyOf(ids, length), Arrays.copyOf(patchIndices, length),
                Arrays.copyOf(loss, length), patches, dim, grids);
    }

    private SoloTokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new InvalidInputException("this builder has no tokenizer: create it with create(tokenizer, close)");
        }
        return tokenizer;
    }

    private void add(int id, int patchIndex, boolean target) {
        if (length == ids.length) {
            int capacity = Math.multiplyExact(ids.length, 2);
            ids = Arrays.copyOf(ids, capacity);
            patchIndices = Arrays.copyOf(patchIndices, capacity);
            loss = Arrays.copyOf(loss, capacity);
        }
        ids[length] = id;
        patchIndices[length] = patchIndex;
        loss[length] = target;
        length++;
    }
}
