/** Training and fine-tuning: the {@link ai.solo.train.Trainer} interface and its results. */
package ai.solo.train;
