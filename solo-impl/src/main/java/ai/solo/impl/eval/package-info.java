/**
 * Evaluation on the DJL engine: {@link ai.solo.impl.eval.DjlEvaluator} (choices scored in one
 * batched forward pass, answers generated in batches, held-out loss as the trainer computes it),
 * the benchmark and metrics-log readers, and the scaling-law plot.
 */
package ai.solo.impl.eval;
