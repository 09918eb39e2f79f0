package ai.solo.impl.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Deterministic test images, the same pattern the Pillow expectations were computed from. */
final class TestImages {

    private TestImages() {
    }

    /** The pattern of {@code gen_resample.py}: red, green and blue vary at different rates. */
    static RgbImage pattern(int width, int height) {
        int[] pixels = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 37 + y * 11) % 256;
                int g = (x * y + 7 * x) % 256;
                int b = ((x ^ y) * 5 + 90) % 256;
                pixels[y * width + x] = (r << 16) | (g << 8) | b;
            }
        }
        return new RgbImage(width, height, pixels);
    }

    static BufferedImage patternImage(int width, int height) {
        return RgbConverter.toBufferedImage(pattern(width, height));
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }
}
