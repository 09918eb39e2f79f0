/**
 * Images in, patches out: {@link ai.solo.image.ImagePatcher} implements SOLO's preprocessing
 * (SPEC §2) and produces {@link ai.solo.image.ImagePatches} on a {@link ai.solo.image.PatchGrid}.
 */
package ai.solo.image;
