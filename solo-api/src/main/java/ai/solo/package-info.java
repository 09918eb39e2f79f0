/**
 * The SOLO SDK's entry points: {@link ai.solo.SoloModel}, its {@link ai.solo.SoloConfig}, the
 * forward-pass types {@link ai.solo.ModelBatch} and {@link ai.solo.Logits}, and the exception
 * hierarchy rooted at {@link ai.solo.SoloException}.
 *
 * <p>Application code compiles against this module alone; an implementation
 * ({@code ai.solo:solo-impl}) is found at run time through {@link java.util.ServiceLoader}.
 */
package ai.solo;
