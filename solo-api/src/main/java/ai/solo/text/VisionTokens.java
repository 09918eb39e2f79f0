package ai.solo.text;

/**
 * Ids of SOLO's vision tokens in one tokenizer (SPEC §3). Read them from the tokenizer
 * ({@link SoloTokenizer#visionTokens()}); never hard-code them.
 *
 * @param vision {@code <vision>}: opens an image (and, in the released code, closes it)
 * @param vpatch {@code <vpatch>}: one per image patch; the patch embedding is added to it
 * @param vrowSep {@code <vrow_sep>}: between patch rows
 * @param vframeSep {@code <vframe_sep>}: between video frames
 * @param visionEnd {@code </vision>}: closes an image in the paper's layout
 */
public record VisionTokens(int vision, int vpatch, int vrowSep, int vframeSep, int visionEnd) {

    /** Token strings, in the order SOLO appends them to the vocabulary. */
    public static final String VISION = "<vision>";
    /** {@code <vpatch>}. */
    public static final String VPATCH = "<vpatch>";
    /** {@code <vrow_sep>}. */
    public static final String VROW_SEP = "<vrow_sep>";
    /** {@code <vframe_sep>}. */
    public static final String VFRAME_SEP = "<vframe_sep>";
    /** {@code </vision>}. */
    public static final String VISION_END = "</vision>";

    /**
     * @param id a token id
     * @return whether it is one of the five vision tokens
     */
    public boolean isVisionToken(int id) {
        return id == vision || id == vpatch || id == vrowSep || id == vframeSep || id == visionEnd;
    }
}
