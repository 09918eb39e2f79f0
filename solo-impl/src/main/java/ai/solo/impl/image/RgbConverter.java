package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.DirectColorModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * Turns any {@link BufferedImage} into 8-bit RGB the way {@code PIL.Image.convert("RGB")} does
 * for SOLO's reference preprocessing, with one deliberate difference for transparency.
 *
 * <ul>
 *   <li>Grayscale is replicated into R, G and B. Java's {@code getRGB} would apply a gamma
 *       curve to linear-gray images (128 becomes 188); Pillow does not, so gray is read from
 *       the raster.
 *   <li>Embedded colour profiles of RGB and gray images are ignored, as Pillow ignores them.
 *   <li>16-bit samples keep their high byte, as Pillow's 16-bit RGB PNG decoder does. (Pillow
 *       clips 16-bit <em>gray</em> to 255 instead, which turns most such images white; this
 *       class scales gray like colour.) Other bit depths are scaled to 0..255 and rounded.
 *   <li>Alpha is composited on WHITE: {@code c' = round((c * a + 255 * (255 - a)) / 255)}.
 *       Pillow's {@code convert("RGB")} simply drops alpha, which reveals whatever colour the
 *       encoder left under transparent pixels (often black); white is what a viewer shows.
 *       Palette images with a transparent index are treated the same way.
 *   <li>Palette, packed, premultiplied and CMYK images go through Java's colour conversion
 *       ({@code getRGB}).
 * </ul>
 *
 * <p>Stateless. Reads the image's data arrays directly where the layout is a common one, so
 * that no per-pixel objects or colour-model calls are made on the hot path.
 */
final class RgbConverter {

    private RgbConverter() {
    }

    /**
     * @param image any image with at least one pixel
     * @return its pixels as opaque 8-bit RGB
     */
    static RgbImage toRgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        long n = (long) width * height;
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("image " + width + "x" + height + " has too many pixels");
        }
        int[] out = new int[(int) n];
        ColorModel cm = image.getColorModel();
        WritableRaster raster = image.getRaster();
        if (!cm.isAlphaPremultiplied() && cm instanceof DirectColorModel dcm
                && raster.getDataBuffer() instanceof DataBufferInt
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel
                && isStandardIntRgb(dcm)) {
            fromPackedInts(raster, dcm.hasAlpha(), out);
        } else if (!cm.isAlphaPremultiplied() && cm instanceof ComponentColorModel
                && raster.getSampleModel() instanceof ComponentSampleModel
                && isRgbOrGray(cm)
                && (raster.getDataBuffer() instanceof DataBufferByte
                        || raster.getDataBuffer() instanceof DataBufferUShort)) {
            fromComponents(raster, cm, out);
        } else {
            fromGetRgb(image, out);
        }
        return new RgbImage(width, height, out);
    }

    /**
     * @param rgb pixels to wrap
     * @return a {@code TYPE_INT_RGB} image holding a copy of the pixels
     */
    static BufferedImage toBufferedImage(RgbImage rgb) {
        BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(rgb.pixels(), 0, data, 0, data.length);
        return image;
    }

    private static boolean isStandardIntRgb(DirectColorModel cm) {
        return cm.getRedMask() == 0xFF0000 && cm.getGreenMask() == 0xFF00 && cm.getBlueMask() == 0xFF
                && (!cm.hasAlpha() || cm.getAlphaMask() == 0xFF000000)
                && cm.getColorSpace().isCS_sRGB();
    }

    private static boolean isRgbOrGray(ColorModel cm) {
        int type = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        return (type == ColorSpace.TYPE_RGB && colours == 3) || (type == ColorSpace.TYPE_GRAY && colours == 1);
    }

    /** {@code TYPE_INT_RGB} / {@code TYPE_INT_ARGB}, including sub-images. */
    private static void fromPackedInts(WritableRaster raster, boolean hasAlpha, int[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        SinglePixelPackedSampleModel sm = (SinglePixelPackedSampleModel) raster.getSampleModel();
        DataBufferInt buffer = (DataBufferInt) raster.getDataBuffer();
        int[] data = buffer.getData();
        int stride = sm.getScanlineStride();
        // A sub-image shares its parent's array; the translation locates its origin.
        int origin = buffer.getOffset() - raster.getSampleModelTranslateY() * stride
                - raster.getSampleModelTranslateX();
        for (int y = 0; y < height; y++) {
            int in = origin + y * stride;
            int o = y * width;
            if (hasAlpha) {
                for (int x = 0; x < width; x++) {
                    int argb = data[in + x];
                    out[o + x] = onWhite(argb >>> 24, (argb >>> 16) & 0xFF, (argb >>> 8) & 0xFF, argb & 0xFF);
                }
            } else {
                for (int x = 0; x < width; x++) {
                    out[o + x] = data[in + x] & 0xFFFFFF;
                }
            }
        }
    }

    /** Interleaved or banded 8/16-bit RGB(A) and gray(+alpha): JPEG, PNG, WebP, BMP output. */
    private static void fromComponents(WritableRaster raster, ColorModel cm, int[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
        boolean gray = cm.getNumColorComponents() == 1;
        boolean alpha = cm.hasAlpha();
        int bands = cm.getNumComponents(); // colour components, then alpha
        DataBuffer buffer = raster.getDataBuffer();
        int[] bankIndices = sm.getBankIndices();
        int[] bandOffsets = sm.getBandOffsets();
        int pixelStride = sm.getPixelStride();
        int stride = sm.getScanlineStride();
        int tx = raster.getSampleModelTranslateX();
        int ty = raster.getSampleModelTranslateY();
        // One source array and start offset per band, so the pixel loop only adds strides.
        Object[] arrays = new Object[bands];
        int[] starts = new int[bands];
        int[] bits = new int[bands];
        for (int b = 0; b < bands; b++) {
            int bank = bankIndices[b];
            arrays[b] = bankArray(buffer, bank);
            starts[b] = buffer.getOffsets()[bank] + bandOffsets[b] - ty * stride - tx * pixelStride;
            bits[b] = cm.getComponentSize(b);
        }
        if (arrays[0] instanceof byte[] && allEight(bits)) {
            fromBytes(arrays, starts, pixelStride, stride, width, height, gray, alpha, out);
            return;
        }
        int[] sample = new int[bands];
        for (int y = 0; y < height; y++) {
            int o = y * width;
            for (int x = 0; x < width; x++) {
                int pos = y * stride + x * pixelStride;
                for (int b = 0; b < bands; b++) {
                    sample[b] = to8(element(arrays[b], starts[b] + pos), bits[b]);
                }
                int r = sample[0];
                int g = gray ? r : sample[1];
                int bl = gray ? r : sample[2];
                out[o + x] = alpha ? onWhite(sample[bands - 1], r, g, bl) : (r << 16) | (g << 8) | bl;
            }
        }
    }

    /** The common 8-bit case, kept free of per-sample dispatch. */
    private static void fromBytes(Object[] arrays, int[] starts, int pixelStride, int stride, int width,
            int height, boolean gray, boolean alpha, int[] out) {
        byte[] r = (byte[]) arrays[0];
        byte[] g = gray ? r : (byte[]) arrays[1];
        byte[] b = gray ? r : (byte[]) arrays[2];
        byte[] a = alpha ? (byte[]) arrays[arrays.length - 1] : null;
        int r0 = starts[0];
        int g0 = gray ? r0 : starts[1];
        int b0 = gray ? r0 : starts[2];
        int a0 = alpha ? starts[arrays.length - 1] : 0;
        for (int y = 0; y < height; y++) {
            int o = y * width;
            int pos = y * stride;
            for (int x = 0; x < width; x++, pos += pixelStride) {
                int rv = r[r0 + pos] & 0xFF;
                int gv = g[g0 + pos] & 0xFF;
                int bv = b[b0 + pos] & 0xFF;
                out[o + x] = alpha ? onWhite(a[a0 + pos] & 0xFF, rv, gv, bv) : (rv << 16) | (gv << 8) | bv;
            }
        }
    }

    /** Palette, packed, premultiplied, CMYK and anything else: Java's own conversion to sRGB. */
    private static void fromGetRgb(BufferedImage image, int[] out) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            int o = y * width;
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                out[o + x] = onWhite(argb >>> 24, (argb >>> 16) & 0xFF, (argb >>> 8) & 0xFF, argb & 0xFF);
            }
        }
    }

    private static boolean allEight(int[] bits) {
        for (int b : bits) {
            if (b != 8) {
                return false;
            }
        }
        return true;
    }

    private static Object bankArray(DataBuffer buffer, int bank) {
        if (buffer instanceof DataBufferByte bytes) {
            return bytes.getData(bank);
        }
        return ((DataBufferUShort) buffer).getData(bank);
    }

    private static int element(Object array, int index) {
        return array instanceof byte[] bytes ? bytes[index] & 0xFF : ((short[]) array)[index] & 0xFFFF;
    }

    /** Scales a sample of {@code bits} bits to 8 bits. */
    static int to8(int value, int bits) {
        if (bits == 8) {
            return value;
        }
        if (bits == 16) {
            return value >>> 8;
        }
        int max = (1 << bits) - 1;
        return (value * 255 + max / 2) / max;
    }

    /** Composites a non-premultiplied pixel on white, rounding to nearest. */
    static int onWhite(int a, int r, int g, int b) {
        if (a == 255) {
            return (r << 16) | (g << 8) | b;
        }
        int white = 255 * (255 - a) + 127;
        return ((r * a + white) / 255 << 16) | ((g * a + white) / 255 << 8) | (b * a + white) / 255;
    }
}
