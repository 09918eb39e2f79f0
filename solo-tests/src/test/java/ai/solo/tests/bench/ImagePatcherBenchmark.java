package ai.solo.tests.bench;

import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Throughput of {@link ImagePatcher#patchify(byte[])} (decode, RGB, resize, normalise, patch)
 * on one thread, for a synthetic 1024x768 JPEG of quality 0.9 (already on SOLO-7B's grid, so no
 * resampling) and a 1920x1080 one (resampled to 1024x576).
 *
 * <p>Run: {@code java -cp <solo-tests test classpath> ai.solo.tests.bench.ImagePatcherBenchmark [seconds]}.
 */
public final class ImagePatcherBenchmark {
    private static final int WARM_UP = 20;

    private ImagePatcherBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
        ImagePatcher patcher = ImagePatcher.create();
        for (int[] size : new int[][] {{1024, 768}, {1920, 1080}}) {
            byte[] jpeg = jpeg(draw(size[0], size[1]), 0.9f);
            double rate = imagesPerSecond(patcher, jpeg, seconds);
            System.out.printf("patchify %dx%d JPEG (%,d bytes): %.1f images/s%n", size[0], size[1], jpeg.length, rate);
        }
    }

    /** Runs {@link #WARM_UP} untimed calls, then as many as fit in {@code seconds}. */
    static double imagesPerSecond(ImagePatcher patcher, byte[] encoded, double seconds) {
        long sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += patcher.patchify(encoded).count();
        }
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long elapsed;
        int runs = 0;
        do {
            ImagePatches patches = patcher.patchify(encoded);
            sink += patches.count();
            runs++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        if (sink == 42) {
            System.out.println(); // keeps the JIT from discarding the work
        }
        return runs / (elapsed / 1e9);
    }

    /** A photo-like picture: gradients, shapes, text and some noise, so JPEG has work to do. */
    static BufferedImage draw(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(30, 80, 160), width, height, new Color(240, 200, 90)));
        g.fillRect(0, 0, width, height);
        Random random = new Random(1);
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), 160));
            int w = 20 + random.nextInt(width / 4);
            int h = 20 + random.nextInt(height / 4);
            if (i % 2 == 0) {
                g.fillOval(random.nextInt(width), random.nextInt(height), w, h);
            } else {
                g.setStroke(new BasicStroke(1 + random.nextInt(8)));
                g.drawRect(random.nextInt(width), random.nextInt(height), w, h);
            }
        }
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, height / 12));
        g.drawString("SOLO image patcher", width / 10, height / 2);
        g.dispose();
        for (int i = 0; i < width * height / 20; i++) {
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            image.setRGB(x, y, image.getRGB(x, y) ^ random.nextInt(0x0F0F0F));
        }
        return image;
    }

    static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
