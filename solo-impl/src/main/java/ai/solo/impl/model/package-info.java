/**
 * The SOLO network on DJL: {@link ai.solo.impl.model.SoloTransformer} runs input embedding
 * (tokens plus projected patches), Mistral decoder layers and the output head;
 * {@link ai.solo.impl.model.TensorNames} is the single home of checkpoint tensor names.
 */
package ai.solo.impl.model;
