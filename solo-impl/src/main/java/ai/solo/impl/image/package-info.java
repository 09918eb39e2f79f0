/**
 * SOLO's image preprocessing (SPEC §2): decode ({@link ai.solo.impl.image.ImageDecoder},
 * {@link ai.solo.impl.image.DataUrl}),
 * convert to RGB ({@link ai.solo.impl.image.RgbConverter}), plan the target size
 * ({@link ai.solo.impl.image.ResizeRule}), resample bit-exactly like PIL's bilinear
 * {@code Image.resize} ({@link ai.solo.impl.image.PilResampler}), normalise and cut into patches
 * ({@link ai.solo.impl.image.PatchExtractor}), and draw the patch grid
 * ({@link ai.solo.impl.image.GridRenderer}). {@link ai.solo.impl.image.DefaultImagePatcher}
 * ties the steps together behind {@link ai.solo.image.ImagePatcher}.
 *
 * <p>Pixels travel between the steps as packed {@code 0xRRGGBB} ints ({@link
 * ai.solo.impl.image.RgbImage}), never as per-pixel objects.
 */
package ai.solo.impl.image;
