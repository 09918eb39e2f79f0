package ai.solo.examples.quickstart;

import java.util.SplittableRandom;

/**
 * What a scene is painted on. Fields a kind does not use are zero, so two backgrounds that paint
 * the same pixels are equal.
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
        SOLID_LIGHT,
        /** One dark colour. */
        SOLID_DARK,
        /** Two light colours, or two dark ones, split by a straight line. */
        TWO_TONE,
        /** A light colour with mild per-pixel noise (at most 12 levels per channel). */
        NOISE
    }

    /** @return whether the background is dark (so black shapes are never drawn on it) */
    public boolean dark() {
        return luminance(rgb) < 128;
    }

    static Background random(SplittableRandom r, int width, int height) {
        Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
        return switch (kind) {
            case SOLID_LIGHT -> new Background(kind, light(r), 0, false, 0, 0);
            case SOLID_DARK -> new Background(kind, dark(r), 0, false, 0, 0);
            case NOISE -> new Background(kind, light(r), 0, false, 0, r.nextLong());
            case TWO_TONE -> {
                boolean darkPair = r.nextInt(3) == 0;
                int a = darkPair ? dark(r) : light(r);
                int b = darkPair ? dark(r) : light(r);
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
            case SOLID_LIGHT, SOLID_DARK -> java.util.Arrays.fill(pixels, rgb);
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
                    int d = noise.nextInt(25) - 12;
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

    private static int dark(SplittableRandom r) {
        int base = 25 + r.nextInt(40);
        return grey(base, r);
    }

    /** A near-grey tint: each channel within 12 levels of {@code base}. */
    private static int grey(int base, SplittableRandom r) {
        return (base + r.nextInt(13)) << 16 | (base + r.nextInt(13)) << 8 | (base + r.nextInt(13));
    }

    static int luminance(int rgb) {
        return (299 * (rgb >> 16 & 0xFF) + 587 * (rgb >> 8 & 0xFF) + 114 * (rgb & 0xFF)) / 1000;
    }
}
