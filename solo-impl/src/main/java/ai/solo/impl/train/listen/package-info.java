/**
 * Observers of a training run that the trainer installs from its settings: a console progress
 * bar ({@link ai.solo.impl.train.listen.ConsoleProgress}), one JSON object per event in
 * {@code metrics.jsonl} ({@link ai.solo.impl.train.listen.JsonlMetrics}) and a loss curve in
 * {@code loss.png} ({@link ai.solo.impl.train.listen.LossCurvePng}). All are called on the
 * training thread and are not thread-safe.
 */
package ai.solo.impl.train.listen;
