package ai.solo.train;

/**
 * Which tokens of a sample carry loss (SPEC §4). Never image patches or vision tokens.
 */
public enum LossRule {
    /** Only the label: the assistant's answer (Stage 1 class names; SFT answers with their {@code </s>}). */
    ANSWERS_ONLY,
    /** Every text token (Stage 2 captions, HTML, QA; the text-only blend). */
    ALL_TEXT
}
