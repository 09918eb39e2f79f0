/**
 * Text side of SOLO: the {@link ai.solo.text.SoloTokenizer} with SOLO's vision tokens, and
 * {@link ai.solo.text.SequenceBuilder}, which lays text and images out as one sequence with
 * patch indices and a loss mask (SPEC §3).
 */
package ai.solo.text;
