/**
 * Running SOLO-7B on a GPU in float16, and what it costs in memory:
 * {@link ai.solo.examples.gpu.LoadSolo7B}.
 */
package ai.solo.examples.gpu;
