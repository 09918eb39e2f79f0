/**
 * Text generation on the DJL model: {@link ai.solo.impl.generate.DjlGenerator} renders prompts,
 * a {@code DecodeSession} prefills them into a key/value cache and decodes token by token,
 * a {@code Sampler} picks tokens and a {@code TextTracker} turns them into safe text.
 */
package ai.solo.impl.generate;
