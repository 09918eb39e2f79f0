package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import java.util.Arrays;

/**
 * Bilinear resampling that reproduces Pillow's {@code Image.resize(size, Image.BILINEAR)} on an
 * 8-bit RGB image bit for bit ({@code ImagingResample} in {@code libImaging/Resample.c}), which
 * is what torchvision's {@code Resize} does to a PIL image in SOLO's preprocessing.
 *
 * <p>Like Pillow it is separable: a horizontal pass over only the source rows the vertical
 * pass will read, rounded and clipped to 8 bits, then a vertical pass; a pass is skipped when
 * its direction keeps its size. The triangle filter is widened by the scale factor when
 * shrinking (antialiasing), and weights are applied in 22-bit fixed point.
 *
 * <p>Stateless; coefficients are computed once per call and direction.
 */
final class PilResampler {

    /** Pillow's {@code PRECISION_BITS}: 8 bits of result, 2 of headroom in a 32-bit int. */
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);
    /** Support of the bilinear (triangle) filter at scale 1. */
    private static final double BILINEAR_SUPPORT = 1.0;

    private PilResampler() {
    }

    /**
     * @param src the image to resize
     * @param outWidth target width, at least 1
     * @param outHeight target height, at least 1
     * @return the resized image; {@code src} itself when the size does not change
     */
    static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
        int inWidth = src.width();
        int inHeight = src.height();
        if (outWidth < 1 || outHeight < 1) {
            throw new InvalidInputException("resize target must be at least 1x1, got " + outWidth + "x" + outHeight);
        }
        if (inWidth == outWidth && inHeight == outHeight) {
            return src;
        }
        Coefficients vertical = Coefficients.of(inHeight, outHeight);
        // Only the source rows that some output row reads need a horizontal pass.
        int firstRow = vertical.start(0);
        int lastRow = vertical.start(outHeight - 1) + vertical.count(outHeight - 1);

        int[] pixels = src.pixels();
        int width = inWidth;
        int rowOffset = 0;
        if (outWidth != inWidth) {
            Coefficients horizontal = Coefficients.of(inWidth, outWidth);
            pixels = resampleRows(pixels, inWidth, firstRow, lastRow - firstRow, horizontal, outWidth);
            width = outWidth;
            rowOffset = firstRow;
        }
        if (outHeight != inHeight) {
            pixels = resampleColumns(pixels, width, rowOffset, vertical, outHeight);
        }
        return new RgbImage(width, outHeight, pixels);
    }

    /** Horizontal pass: {@code rows} rows from {@code firstRow} of {@code src} to width {@code outWidth}. */
    private static int[] resampleRows(int[] src, int inWidth, int firstRow, int rows, Coefficients c, int outWidth) {
        int[] out = new int[checkedSize(outWidth, rows)];
        int ksize = c.ksize;
        int[] weights = c.weights;
        int[] starts = c.starts;
        int[] counts = c.counts;
        for (int y = 0; y < rows; y++) {
            int inRow = (firstRow + y) * inWidth;
            int outRow = y * outWidth;
            for (int xx = 0; xx < outWidth; xx++) {
                int base = inRow + starts[xx];
                int count = counts[xx];
                int k0 = xx * ksize;
                int r = HALF;
                int g = HALF;
                int b = HALF;
                for (int x = 0; x < count; x++) {
                    int p = src[base + x];
                    int k = weights[k0 + x];
                    r += ((p >>> 16) & 0xFF) * k;
                    g += ((p >>> 8) & 0xFF) * k;
                    b += (p & 0xFF) * k;
                }
                out[outRow + xx] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    /**
     * Vertical pass. Each output row accumulates whole source rows in turn, so memory is read
     * sequentially; integer sums do not depend on the order, so the result equals Pillow's
     * pixel-by-pixel loop.
     */
    private static int[] resampleColumns(int[] src, int width, int rowOffset, Coefficients c, int outHeight) {
        int[] out = new int[checkedSize(width, outHeight)];
        int[] r = new int[width];
        int[] g = new int[width];
        int[] b = new int[width];
        int ksize = c.ksize;
        for (int yy = 0; yy < outHeight; yy++) {
            Arrays.fill(r, HALF);
            Arrays.fill(g, HALF);
            Arrays.fill(b, HALF);
            int start = c.starts[yy] - rowOffset;
            int count = c.counts[yy];
            for (int y = 0; y < count; y++) {
                int k = c.weights[yy * ksize + y];
                int inRow = (start + y) * width;
                for (int x = 0; x < width; x++) {
                    int p = src[inRow + x];
                    r[x] += ((p >>> 16) & 0xFF) * k;
                    g[x] += ((p >>> 8) & 0xFF) * k;
                    b[x] += (p & 0xFF) * k;
                }
            }
            int outRow = yy * width;
            for (int x = 0; x < width; x++) {
                out[outRow + x] = (clip8(r[x]) << 16) | (clip8(g[x]) << 8) | clip8(b[x]);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: drop the fraction bits, clamp to a byte. */
    private static int clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static int checkedSize(int width, int height) {
        long n = (long) width * height;
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("resampled image " + width + "x" + height + " is too large");
        }
        return (int) n;
    }

    /**
     * The filter taps of one direction, Pillow's {@code precompute_coeffs} followed by
     * {@code normalize_coeffs_8bpc}: output pixel {@code i} is the weighted sum of source
     * pixels {@code starts[i] .. starts[i] + counts[i] - 1} with weights
     * {@code weights[i * ksize ..]} in {@link #PRECISION_BITS} fixed point.
     */
    static final class Coefficients {
        final int ksize;
        final int[] starts; // [outSize]
        final int[] counts; // [outSize]
        final int[] weights; // [outSize * ksize]

        private Coefficients(int ksize, int[] starts, int[] counts, int[] weights) {
            this.ksize = ksize;
            this.starts = starts;
            this.counts = counts;
            this.weights = weights;
        }

        int start(int i) {
            return starts[i];
        }

        int count(int i) {
            return counts[i];
        }

        static Coefficients of(int inSize, int outSize) {
            // Pillow passes the box edges as C floats; (float) keeps huge sizes rounding alike.
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = BILINEAR_SUPPORT * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            long total = (long) outSize * ksize;
            if (total > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException("cannot resample " + inSize + " pixels to " + outSize);
            }
            int[] starts = new int[outSize];
            int[] counts = new int[outSize];
            int[] weights = new int[(int) total];
            double[] k = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                // (int) truncates toward zero exactly like the C cast Pillow uses to round.
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = bilinear((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                int base = xx * ksize;
                for (int x = 0; x < xmax; x++) {
                    double normalized = ww != 0.0 ? k[x] / ww : k[x];
                    weights[base + x] = toFixedPoint(normalized);
                }
                starts[xx] = xmin;
                counts[xx] = xmax;
            }
            return new Coefficients(ksize, starts, counts, weights);
        }

        private static double bilinear(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }

        /** Rounds half away from zero, as {@code normalize_coeffs_8bpc}. */
        private static int toFixedPoint(double w) {
            double scaled = w * (1 << PRECISION_BITS);
            return w < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
        }
    }
}
