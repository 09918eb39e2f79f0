/**
 * Text generation: {@link ai.solo.generate.Prompt} (text and image parts in order) in,
 * {@link ai.solo.generate.GenerationResult} out, through a {@link ai.solo.generate.Generator}.
 */
package ai.solo.generate;
