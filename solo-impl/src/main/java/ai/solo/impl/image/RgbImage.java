package ai.solo.impl.image;

/**
 * An 8-bit RGB image as one packed array, the working format between decoding, resampling and
 * patch extraction.
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param pixels {@code [height * width]} row-major, each {@code 0xRRGGBB} (the top byte is zero)
 */
record RgbImage(int width, int height, int[] pixels) {

    RgbImage {
        if (width < 1 || height < 1 || pixels.length != (long) width * height) {
            throw new IllegalArgumentException("RGB image " + width + "x" + height + " with "
                    + pixels.length + " pixels");
        }
    }
}
