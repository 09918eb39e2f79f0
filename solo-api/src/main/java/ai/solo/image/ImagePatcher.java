package ai.solo.image;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Turns images into SOLO's model input (SPEC §2): decode, convert to RGB, resize preserving the
 * aspect ratio to multiples of the patch size (bilinear with antialiasing, as PIL), normalise
 * with ImageNet mean and std, cut into row-major {@code P x P} patches.
 *
 * <p>Decodes JPEG (including CMYK/YCCK), PNG, BMP, GIF (first frame) and WebP. Grayscale and
 * palette images become RGB; transparent pixels are composited on white. Images whose header
 * claims more pixels than {@link Settings#maxPixels()} are refused before decoding.
 *
 * <pre>{@code
 * ImagePatcher patcher = ImagePatcher.create();
 * ImagePatches patches = patcher.patchify(Path.of("cat.jpg"));
 * float[] values = patches.values(); // [rows * cols, 3 * 32 * 32]
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface ImagePatcher {

    /** @return a patcher with SOLO-7B's settings: patch 32, max resolution 1024 */
    static ImagePatcher create() {
        return builder().build();
    }

    /** @return a builder starting from SOLO-7B's settings */
    static Builder builder() {
        return new Builder();
    }

    /** @return the settings this patcher was built with */
    Settings settings();

    /**
     * The resize rule of SPEC §2, without touching pixels.
     *
     * @param width source width in pixels, at least 1
     * @param height source height in pixels, at least 1
     * @return the grid the image is resized to
     */
    PatchGrid plan(int width, int height);

    /**
     * @param file an encoded image file
     * @return its patches
     * @throws InvalidInputException if the file is missing, empty, truncated, of an unknown
     *     format or too large; the message names the file
     */
    ImagePatches patchify(Path file);

    /**
     * @param encoded an encoded image (JPEG, PNG, BMP, GIF, WebP)
     * @return its patches
     * @throws InvalidInputException if the bytes are not a decodable image within the limits
     */
    ImagePatches patchify(byte[] encoded);

    /**
     * @param image a decoded image of any type
     * @return its patches
     */
    ImagePatches patchify(BufferedImage image);

    /**
     * @param dataUrl a {@code data:image/...;base64,...} URL, as in OpenAI-style messages
     * @return its patches
     * @throws InvalidInputException if the URL is not a base64 image data URL
     */
    ImagePatches patchifyDataUrl(String dataUrl);

    /**
     * Decodes an image to RGB the way {@link #patchify(byte[])} does, with the same checks.
     *
     * @param encoded an encoded image
     * @return an RGB image ({@code TYPE_INT_RGB})
     */
    BufferedImage decode(byte[] encoded);

    /**
     * Draws what the model sees: the resized image (normalisation undone) with lines between
     * the patches, like SOLO's {@code visualize_patches}.
     *
     * @param patches patches made by this or any patcher
     * @return an RGB picture of the patch grid
     */
    BufferedImage renderGrid(ImagePatches patches);

    /**
     * Writes {@link #renderGrid(ImagePatches)} as a PNG file.
     *
     * @param patches patches to draw
     * @param pngFile destination
     */
    void writeGridPng(ImagePatches patches, Path pngFile);

    /**
     * Validated patcher settings.
     *
     * @param patchSize side P of the square patches
     * @param maxResolution longest side after resizing, a multiple of P is not required
     * @param maxPixels largest width * height accepted from an image header
     * @param maxEncodedBytes largest encoded image accepted
     */
    record Settings(int patchSize, int maxResolution, long maxPixels, long maxEncodedBytes) {

        /**
         * Validates every field.
         *
         * @param patchSize side P of the square patches
         * @param maxResolution longest side after resizing
         * @param maxPixels largest width * height accepted from an image header
         * @param maxEncodedBytes largest encoded image accepted
         */
        public Settings {
            if (patchSize < 1 || patchSize > 1024) {
                throw new InvalidInputException("patchSize must be in [1, 1024], got " + patchSize);
            }
            if (maxResolution < patchSize) {
                throw new InvalidInputException("maxResolution (" + maxResolution
                        + ") must be at least patchSize (" + patchSize + ")");
            }
            if (maxPixels < 1) {
                throw new InvalidInputException("maxPixels must be positive, got " + maxPixels);
            }
            if (maxEncodedBytes < 1) {
                throw new InvalidInputException("maxEncodedBytes must be positive, got " + maxEncodedBytes);
            }
        }
    }

    /** Builds an {@link ImagePatcher}; {@link #build()} validates every setting. Not thread-safe. */
    final class Builder {
        private int patchSize = 32;
        private int maxResolution = 1024;
        private long maxPixels = 8192L * 8192L;
        private long maxEncodedBytes = 256L << 20;

        private Builder() {
        }

        /**
         * @param p side of the square patches (SOLO-7B: 32)
         * @return this builder
         */
        public Builder patchSize(int p) {
            patchSize = p;
            return this;
        }

        /**
         * @param m longest side after resizing (SOLO-7B: 1024)
         * @return this builder
         */
        public Builder maxResolution(int m) {
            maxResolution = m;
            return this;
        }

        /**
         * @param pixels largest width * height an image header may claim (default 8192 * 8192)
         * @return this builder
         */
        public Builder maxPixels(long pixels) {
            maxPixels = pixels;
            return this;
        }

        /**
         * @param bytes largest encoded image accepted (default 256 MiB)
         * @return this builder
         */
        public Builder maxEncodedBytes(long bytes) {
            maxEncodedBytes = bytes;
            return this;
        }

        /**
         * @return the patcher
         * @throws InvalidInputException naming an invalid setting
         */
        public ImagePatcher build() {
            return SoloProviders.get().imagePatcher(new Settings(patchSize, maxResolution, maxPixels, maxEncodedBytes));
        }
    }
}
