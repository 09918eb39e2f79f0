package ai.solo.text;

/**
 * The token that closes an image in the sequence (SPEC §3). The paper writes {@code </vision>};
 * the released SOLO-7B fine-tuning and demo code close with {@code <vision>} again, so SOLO-7B
 * checkpoints expect {@link #VISION}.
 */
public enum ImageClose {
    /** {@code <vision>} again, as SOLO-7B's released code: use for SOLO-7B checkpoints. */
    VISION,
    /** {@code </vision>}, as the paper describes. */
    VISION_END;

    /**
     * @param tokens the tokenizer's vision token ids
     * @return the id of this closing token
     */
    public int id(VisionTokens tokens) {
        return this == VISION ? tokens.vision() : tokens.visionEnd();
    }
}
