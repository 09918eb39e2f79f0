/**
 * Evaluation data: {@link ai.solo.examples.eval.MakeEvalSample}, which made the benchmark shipped
 * in {@code solo-examples/data/eval-sample} that {@code solo evaluate} runs on in
 * {@code docs/EVALUATION.md}.
 */
package ai.solo.examples.eval;
