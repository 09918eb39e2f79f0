package ai.solo.impl.train;

import ai.solo.ModelBatch;

/**
 * Packed rows ready for a training step: the model input (with segment and position ids) and,
 * per position, the next token to predict and whether it counts.
 *
 * @param batch model input: {@code [B, T]} rows of concatenated examples
 * @param labels {@code [B * T]}: the token at {@code t + 1} of the same example, or -1
 * @param tokens real (non-padding) tokens in the batch
 * @param targetTokens positions whose label carries loss
 */
record PackedBatch(ModelBatch batch, int[] labels, long tokens, long targetTokens) {
}
