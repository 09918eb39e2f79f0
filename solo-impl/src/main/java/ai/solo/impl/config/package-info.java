/** Hugging Face {@code config.json} mapping for {@link ai.solo.SoloConfig}. */
package ai.solo.impl.config;
