package ai.solo.impl.image;

import ai.solo.image.PatchGrid;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * ToTensor, Normalize and unfold of SOLO's preprocessing: scales 8-bit RGB to [0, 1], subtracts
 * the ImageNet mean and divides by its standard deviation in float32, then cuts the image into
 * row-major {@code P x P} patches, each flattened in (channel, row, column) order.
 *
 * <p>Every (channel, byte) pair is computed once with the same float32 operations as torch
 * ({@code v / 255}, then {@code (x - mean) / std}), so the values are bit-identical to the
 * reference's; the per-pixel work is a table look-up.
 *
 * <p>Stateless and thread-safe.
 */
final class PatchExtractor {

    /** ImageNet mean of SOLO's {@code Normalize}, per RGB channel. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet standard deviation of SOLO's {@code Normalize}, per RGB channel. */
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** {@code [3][256]}: the normalised value of each byte in each channel. */
    private static final float[][] TABLE = buildTable();

    private PatchExtractor() {
    }

    /**
     * @param image the resized image, at least {@code grid.width() x grid.height()}; pixels to
     *     the right of or below the grid are dropped, as {@code Tensor.unfold} drops them
     * @param grid the patch grid
     * @return {@code [rows * cols, 3 * P * P]} normalised values
     */
    static float[] extract(RgbImage image, PatchGrid grid) {
        int p = grid.patchSize();
        int pp = p * p;
        int cols = grid.cols();
        int width = image.width();
        int[] pixels = image.pixels();
        float[] out = new float[grid.count() * grid.patchDim()];
        float[] red = TABLE[0];
        float[] green = TABLE[1];
        float[] blue = TABLE[2];
        for (int y = 0; y < grid.height(); y++) {
            int patchRow = y / p;
            int rowInPatch = y % p;
            int in = y * width;
            for (int col = 0; col < cols; col++) {
                // Start of channel 0 of this patch row, see ImagePatches for the layout.
                int o = (patchRow * cols + col) * 3 * pp + rowInPatch * p;
                for (int x = 0; x < p; x++, in++, o++) {
                    int rgb = pixels[in];
                    out[o] = red[(rgb >>> 16) & 0xFF];
                    out[o + pp] = green[(rgb >>> 8) & 0xFF];
                    out[o + 2 * pp] = blue[rgb & 0xFF];
                }
            }
        }
        return out;
    }

    /**
     * The bytes of an image that can skip the packed-RGB step: a 3-byte BGR raster (what the
     * JDK's JPEG reader decodes to) whose samples start at the first byte, so patches can be cut
     * straight from the decoder's array.
     *
     * @param image a decoded image
     * @return its interleaved B, G, R bytes with rows of {@code 3 * width} bytes, or null when
     *     the layout is any other
     */
    static byte[] plainBgrBytes(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            return null;
        }
        WritableRaster raster = image.getRaster();
        if (!(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || buffer.getOffset() != 0 || raster.getSampleModelTranslateX() != 0
                || raster.getSampleModelTranslateY() != 0
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || sm.getPixelStride() != 3 || sm.getScanlineStride() != 3 * image.getWidth()
                || !Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})) {
            return null;
        }
        return buffer.getData();
    }

    /**
     * {@link #extract} for interleaved B, G, R bytes (see {@link #plainBgrBytes}), without the
     * packed-RGB copy: the same values, one pass fewer over the image.
     *
     * @param bgr interleaved bytes, rows of {@code 3 * width}
     * @param width the image width, at least {@code grid.width()}
     * @param grid the patch grid
     * @return {@code [rows * cols, 3 * P * P]} normalised values
     */
    static float[] extractBgr(byte[] bgr, int width, PatchGrid grid) {
        int p = grid.patchSize();
        int pp = p * p;
        int cols = grid.cols();
        float[] out = new float[grid.count() * grid.patchDim()];
        float[] red = TABLE[0];
        float[] green = TABLE[1];
        float[] blue = TABLE[2];
        for (int y = 0; y < grid.height(); y++) {
            int patchRow = y / p;
            int rowInPatch = y % p;
            int in = y * width * 3;
            for (int col = 0; col < cols; col++) {
                int o = (patchRow * cols + col) * 3 * pp + rowInPatch * p;
                for (int x = 0; x < p; x++, in += 3, o++) {
                    out[o] = red[bgr[in + 2] & 0xFF];
                    out[o + pp] = green[bgr[in + 1] & 0xFF];
                    out[o + 2 * pp] = blue[bgr[in] & 0xFF];
                }
            }
        }
        return out;
    }

    /**
     * @param value a normalised value of channel {@code channel}
     * @param channel 0, 1 or 2 for R, G, B
     * @return the byte it came from, rounded and clamped to 0..255
     */
    static int denormalize(float value, int channel) {
        int v = Math.round((value * STD[channel] + MEAN[channel]) * 255f);
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static float[][] buildTable() {
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                // Same float32 steps as torch: ToTensor divides, Normalize subtracts then divides.
                table[c][v] = ((float) v / 255f - MEAN[c]) / STD[c];
            }
        }
        return table;
    }
}
