package ai.solo.train;

import ai.solo.InvalidInputException;
import ai.solo.generate.Conversation;

/**
 * One training example: a conversation (user turns with text and images, assistant turns with
 * the text to learn) and what kind of data it is, which decides how it is laid out and which
 * tokens carry loss (SPEC §4).
 *
 * <ul>
 *   <li>{@link Kind#CLASS_LABEL}: user turn = the image, assistant turn = its class name (Stage 1).</li>
 *   <li>{@link Kind#CAPTION}: user turn = the image (and any text), assistant turn = caption,
 *       HTML or other text to predict (Stage 2).</li>
 *   <li>{@link Kind#CONVERSATION}: an instruction-tuning chat (SFT).</li>
 *   <li>{@link Kind#TEXT}: one assistant turn of plain text, for the text-only blend.</li>
 * </ul>
 *
 * @param conversation the example's turns
 * @param kind what kind of data it is
 * @param origin where it came from, for error messages ({@code file:line}, or any label)
 */
public record TrainingSample(Conversation conversation, Kind kind, String origin) {

    /**
     * Validates the fields.
     *
     * @param conversation the example's turns
     * @param kind what kind of data it is
     * @param origin where it came from
     */
    public TrainingSample {
        if (conversation == null || kind == null) {
            throw new InvalidInputException("a training sample needs a conversation and a kind (" + origin + ")");
        }
        origin = origin == null ? "" : origin;
    }

    /** What kind of data a sample is. */
    public enum Kind {
        /** An image and its class name (Stage 1). */
        CLASS_LABEL,
        /** An image and text describing it: caption, rendered page HTML, OCR (Stage 2). */
        CAPTION,
        /** An instruction-tuning conversation (SFT, Stage 3). */
        CONVERSATION,
        /** Plain text (the text-only blend). */
        TEXT
    }
}
