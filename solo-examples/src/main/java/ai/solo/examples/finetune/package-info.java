/**
 * Fine-tuning an existing SOLO checkpoint on LLaVA-format data:
 * {@link ai.solo.examples.finetune.FineTuneLlava}, and
 * {@link ai.solo.examples.finetune.MakeLlavaSample}, which made the shipped sample in
 * {@code solo-examples/data/llava-sample}.
 */
package ai.solo.examples.finetune;
