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
        int rows = lastRow - firstRow;

        // The intermediate image is planar, one int array per channel and row: the vertical
        // pass then runs simple loops from index 0, which the JIT vectorises.
        int[][][] planes; // [3][rows][width]
        int width;
        if (outWidth != inWidth) {
            planes = resampleRows(src.pixels(), inWidth, firstRow, rows, Coefficients.of(inWidth, outWidth), outWidth);
            width = outWidth;
        } else {
            planes = unpack(src.pixels(), inWidth, firstRow, rows);
            width = inWidth;
        }
        int[] out;
        if (outHeight != inHeight) {
            out = resampleColumns(planes, width, firstRow, vertical, outHeight);
        } else {
            out = pack(planes, width, rows);
        }
        return new RgbImage(width, outHeight, out);
    }

    /**
     * Horizontal pass: {@code rows} rows from {@code firstRow} of packed {@code src} to width
     * {@code outWidth}, rounded and clipped to 8 bits like Pillow's intermediate image.
     *
     * @return {@code [3][rows][outWidth]} R, G and B planes
     */
    private static int[][][] resampleRows(int[] src, int inWidth, int firstRow, int rows, Coefficients c,
            int outWidth) {
        checkedSize(outWidth, rows);
        int[][][] planes = new int[3][rows][outWidth];
        int ksize = c.ksize;
        int[] weights = c.weights;
        int[] starts = c.starts;
        int[] counts = c.counts;
        for (int y = 0; y < rows; y++) {
            int inRow = (firstRow + y) * inWidth;
            int[] outR = planes[0][y];
            int[] outG = planes[1][y];
            int[] outB = planes[2][y];
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
                outR[xx] = clip8(r);
                outG[xx] = clip8(g);
                outB[xx] = clip8(b);
            }
        }
        return planes;
    }

    /**
     * Vertical pass over planes whose first row is source row {@code rowOffset}. Each output row
     * accumulates whole source rows in turn; integer sums do not depend on the order, so the
     * result equals Pillow's pixel-by-pixel loop.
     */
    private static int[] resampleColumns(int[][][] planes, int width, int rowOffset, Coefficients c, int outHeight) {
        int[] out = new int[checkedSize(width, outHeight)];
        int[] r = new int[width];
        int[] g = new int[width];
        int[] b = new int[width];
        int ksize = c.ksize;
        for (int yy = 0; yy < outHeight; yy++) {
            int start = c.starts[yy] - rowOffset;
            int count = c.counts[yy];
            int k0 = yy * ksize;
            accumulate(planes[0], r, start, count, c.weights, k0);
            accumulate(planes[1], g, start, count, c.weights, k0);
            accumulate(planes[2], b, start, count, c.weights, k0);
            int outRow = yy * width;
            for (int x = 0; x < width; x++) {
                out[outRow + x] = (clip8(r[x]) << 16) | (clip8(g[x]) << 8) | clip8(b[x]);
            }
        }
        return out;
    }

    private static void accumulate(int[][] plane, int[] acc, int start, int count, int[] weights, int k0) {
        Arrays.fill(acc, HALF);
        for (int y = 0; y < count; y++) {
            int k = weights[k0 + y];
            int[] row = plane[start + y];
            for (int x = 0; x < acc.length; x++) {
                acc[x] += row[x] * k;
            }
        }
    }

    private static int[][][] unpack(int[] src, int width, int firstRow, int rows) {
        checkedSize(width, rows);
        int[][][] planes = new int[3][rows][width];
        for (int y = 0; y < rows; y++) {
            int in = (firstRow + y) * width;
            int[] r = planes[0][y];
            int[] g = planes[1][y];
            int[] b = planes[2][y];
            for (int x = 0; x < width; x++) {
                int p = src[in + x];
                r[x] = (p >>> 16) & 0xFF;
                g[x] = (p >>> 8) & 0xFF;
                b[x] = p & 0xFF;
            }
        }
        return planes;
    }

    private static int[] pack(int[][][] planes, int width, int rows) {
        int[] out = new int[width * rows];
        for (int y = 0; y < rows; y++) {
            int[] r = planes[0][y];
            int[] g = planes[1][y];
            int[] b = planes[2][y];
            for (int x = 0; x < width; x++) {
                out[y * width + x] = (r[x] << 16) | (g[x] << 8) | b[x];
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
