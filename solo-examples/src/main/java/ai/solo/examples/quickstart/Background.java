package ai.solo.examples.quickstart;

import java.util.SplittableRandom;

/**
 * What a scene is painted on: always light, in a few styles. Fields a kind does not use are zero,
 * so two backgrounds that paint the same pixels are equal.
 *
 * <p>Why only light ones: measured on the quickstart model, mixing in dark backgrounds (where
 * shapes are lighter than what surrounds them) halved shape accuracy after the same number of
 * steps, because a raw linear patch embedding must then learn every shape twice, once per
 * contrast. The quickstart spends its ten minutes on the tasks instead.
 *
 * @param kind solid, two-tone or noisy
 * @param rgb the (first) colour, {@code 0xRRGGBB}
 * @param rgb2 the second colour of a two-tone background, else 0
 * @param vertical whether a two-tone background is split by a vertical line (left/right halves)
 * @param split where a two-tone background changes colour, in pixels from the left or top, else 0
 * @param noiseSeed the seed of a noisy background's per-pixel noise, else 0
 */
public record Background(Kind kind, int rgb, int rgb2, boolean vertical, int split, long noiseSeed) {

    /** How a background is painted. */
    public enum Kind {
        /** One light colour. */
        SOLID,
        /** Two light colours split by a straight line. */
        TWO_TONE,
        /** A light colour with mild per-pixel noise (at most 6 levels per channel). */
        NOISE
    }

    static Background random(SplittableRandom r, int width, int height) {
        int roll = r.nextInt(5); // solid 3 in 5, the others 1 in 5 each
        Kind kind = roll < 3 ? Kind.SOLID : roll == 3 ? Kind.TWO_TONE : Kind.NOISE;
        return switch (kind) {
            case SOLID -> new Background(kind, light(r), 0, false, 0, 0);
            case NOISE -> new Background(kind, light(r), 0, false, 0, r.nextLong());
            case TWO_TONE -> {
                int a = light(r);
                int b = light(r);
                if (a == b) {
                    b ^= 0x101010;
                }
                boolean vertical = r.nextBoolean();
                int extent = vertical ? width : height;
                yield new Background(kind, a, b, vertical, extent / 4 + r.nextInt(extent / 2), 0);
            }
        };
    }

    void paint(int[] pixels, int width, int height) {
        switch (kind) {
            case SOLID -> java.util.Arrays.fill(pixels, rgb);
            case TWO_TONE -> {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        pixels[y * width + x] = (vertical ? x : y) < split ? rgb : rgb2;
                    }
                }
            }
            case NOISE -> {
                SplittableRandom noise = new SplittableRandom(noiseSeed);
                for (int i = 0; i < pixels.length; i++) {
                    int d = noise.nextInt(13) - 6;
                    pixels[i] = channel(rgb >> 16, d) << 16 | channel(rgb >> 8, d) << 8 | channel(rgb, d);
                }
            }
        }
    }

    private static int channel(int value, int delta) {
        return Math.max(0, Math.min(255, (value & 0xFF) + delta));
    }

    private static int light(SplittableRandom r) {
        int base = 200 + r.nextInt(40);
        return grey(base, r);
    }

    /** A near-grey tint: each channel within 12 levels of {@code base}. */
    private static int grey(int base, SplittableRandom r) {
        return (base + r.nextInt(13)) << 16 | (base + r.nextInt(13)) << 8 | (base + r.nextInt(13));
    }
}
