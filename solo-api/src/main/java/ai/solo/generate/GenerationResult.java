package ai.solo.generate;

/**
 * What {@link Generator#generate} produced.
 *
 * @param text the generated text, without the prompt
 * @param tokenIds the generated token ids; shared, treat as read-only
 * @param finishReason why generation stopped
 */
public record GenerationResult(String text, int[] tokenIds, FinishReason finishReason) {
}
