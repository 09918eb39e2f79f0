/**
 * Evaluation: held-out loss, multiple-choice and short-answer benchmarks through an
 * {@link ai.solo.eval.Evaluator}, answer metrics ({@link ai.solo.eval.AnswerMetrics}), and the
 * paper's scaling analysis ({@link ai.solo.eval.ScalingLaw} fitted to a
 * {@link ai.solo.eval.TrainingCurve} read from a run's {@code metrics.jsonl}).
 */
package ai.solo.eval;
