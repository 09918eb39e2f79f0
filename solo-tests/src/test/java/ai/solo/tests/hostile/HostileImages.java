package ai.solo.tests.hostile;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * A corpus of hostile image files, made in code so that every byte is explained: truncated,
 * empty, mislabelled, degenerate, decompression bombs, corrupt bodies and formats SOLO does not
 * take. Each entry says what the SDK must do with it. Five odd but valid files that Java cannot
 * write (CMYK JPEG, animated GIF, lossy and lossless WebP, 16-bit PNG) were made with Pillow and
 * are test resources beside this class; {@link #COLOURS} says what each must decode to.
 */
final class HostileImages {
    /** What an entry must lead to. */
    enum Expect {
        /** an {@code InvalidInputException} naming the problem */
        REFUSED,
        /** valid patches: the file is odd but decodable */
        DECODED
    }

    /** One hostile file. */
    record Entry(String name, byte[] bytes, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The Pillow-made files and the colour every pixel must decode to: CMYK through its Adobe
     * marker, an animated GIF by its first frame, a 16-bit PNG scaled to 8 bits.
     */
    static final Map<String, Color> COLOURS = Map.of(
            "jpeg-cmyk-red.jpg", Color.RED,
            "gif-animated-red-green-blue.gif", Color.RED,
            "webp-lossy-red.webp", Color.RED,
            "webp-lossless-red.webp", Color.RED,
            "png-16-bit-white.png", Color.WHITE);

    private HostileImages() {
    }

    /** @return the corpus, in a fixed order */
    static Map<String, Entry> corpus() {
        Map<String, Entry> c = new LinkedHashMap<>();
        byte[] jpeg = encode(picture(96, 64, BufferedImage.TYPE_INT_RGB), "jpeg");
        byte[] png = encode(picture(96, 64, BufferedImage.TYPE_INT_RGB), "png");
        byte[] gif = encode(picture(96, 64, BufferedImage.TYPE_INT_RGB), "gif");
        byte[] bmp = encode(picture(96, 64, BufferedImage.TYPE_INT_RGB), "bmp");

        add(c, "zero-bytes", new byte[0], Expect.REFUSED);
        add(c, "one-byte", new byte[] {(byte) 0xFF}, Expect.REFUSED);
        add(c, "text", "hello, this is not an image\n".getBytes(StandardCharsets.UTF_8), Expect.REFUSED);
        add(c, "random-4k", random(4096, 1), Expect.REFUSED);
        add(c, "svg", "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"
                .getBytes(StandardCharsets.UTF_8), Expect.REFUSED);
        add(c, "tiff-header", new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0}, Expect.REFUSED);
        add(c, "jpeg-soi-only", new byte[] {(byte) 0xFF, (byte) 0xD8}, Expect.REFUSED);
        add(c, "jpeg-truncated-half", Arrays.copyOf(jpeg, jpeg.length / 2), Expect.REFUSED);
        add(c, "jpeg-truncated-headers", Arrays.copyOf(jpeg, 200), Expect.REFUSED);
        // the SDK refuses what libjpeg only warns about: pixels it would make up are not the image
        add(c, "jpeg-no-eoi", Arrays.copyOf(jpeg, jpeg.length - 2), Expect.REFUSED);
        add(c, "jpeg-corrupt-scan", corruptMiddle(jpeg, 64, 2), Expect.REFUSED);
        add(c, "jpeg-claims-65000x65000", jpegClaiming(jpeg, 65000, 65000), Expect.REFUSED);
        add(c, "jpeg-claims-0x0", jpegClaiming(jpeg, 0, 0), Expect.REFUSED);
        add(c, "png-signature-only", Arrays.copyOf(png, 8), Expect.REFUSED);
        add(c, "png-truncated-half", Arrays.copyOf(png, png.length / 2), Expect.REFUSED);
        add(c, "png-claims-100000x100000", pngClaiming(100_000, 100_000), Expect.REFUSED);
        add(c, "png-claims-0x10", pngClaiming(0, 10), Expect.REFUSED);
        add(c, "png-bad-crc", badCrc(png), Expect.DECODED);
        add(c, "png-corrupt-zlib", corruptIdat(png), Expect.REFUSED);
        add(c, "png-1x1", encode(picture(1, 1, BufferedImage.TYPE_INT_RGB), "png"), Expect.DECODED);
        add(c, "png-1x100000", encode(new BufferedImage(1, 100_000, BufferedImage.TYPE_BYTE_GRAY), "png"),
                Expect.DECODED);
        add(c, "png-100000x1", encode(new BufferedImage(100_000, 1, BufferedImage.TYPE_BYTE_GRAY), "png"),
                Expect.DECODED);
        add(c, "png-16-bit-gray", encode(new BufferedImage(40, 30, BufferedImage.TYPE_USHORT_GRAY), "png"),
                Expect.DECODED);
        add(c, "png-palette-transparent", encode(paletteWithTransparency(), "png"), Expect.DECODED);
        add(c, "png-argb", encode(picture(50, 40, BufferedImage.TYPE_INT_ARGB), "png"), Expect.DECODED);
        add(c, "png-named.jpg", png, Expect.DECODED); // the content decides, not the name
        add(c, "gif-truncated", Arrays.copyOf(gif, gif.length / 2), Expect.REFUSED);
        add(c, "gif-claims-65535x65535", gifClaiming(gif, 65535, 65535), Expect.REFUSED);
        add(c, "bmp-truncated", Arrays.copyOf(bmp, 60), Expect.REFUSED);
        add(c, "bmp-claims-100000x100000", bmpClaiming(bmp, 100_000, 100_000), Expect.REFUSED);
        add(c, "webp-riff-garbage", webpGarbage(), Expect.REFUSED);
        add(c, "webp-riff-header-only", Arrays.copyOf(webpGarbage(), 12), Expect.REFUSED);
        for (String name : COLOURS.keySet()) {
            add(c, name, resource(name), Expect.DECODED);
        }
        return c;
    }

    private static void add(Map<String, Entry> c, String name, byte[] bytes, Expect expect) {
        c.put(name, new Entry(name, bytes, expect));
    }

    static BufferedImage picture(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 120, 200, 200));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.ORANGE);
        g.fillOval(w / 4, h / 4, Math.max(1, w / 2), Math.max(1, h / 2));
        g.dispose();
        return img;
    }

    private static BufferedImage paletteWithTransparency() {
        byte[] r = {0, (byte) 255};
        byte[] g = {0, 0};
        byte[] b = {0, 0};
        IndexColorModel cm = new IndexColorModel(1, 2, r, g, b, 0); // index 0 transparent
        BufferedImage img = new BufferedImage(33, 17, BufferedImage.TYPE_BYTE_BINARY, cm);
        img.getRaster().setSample(5, 5, 0, 1);
        return img;
    }

    private static byte[] resource(String name) {
        try (InputStream in = HostileImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** Flips bytes in the middle of the entropy-coded data. */
    private static byte[] corruptMiddle(byte[] bytes, int count, long seed) {
        byte[] b = bytes.clone();
        SplittableRandom r = new SplittableRandom(seed);
        int start = b.length / 2;
        for (int i = 0; i < count; i++) {
            int at = start + r.nextInt(b.length / 4);
            b[at] = (byte) (b[at] ^ 0x5A);
        }
        return b;
    }

    /** Rewrites the frame header (SOF0) to claim another size. */
    private static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && ((b[i + 1] & 0xFF) == 0xC0 || (b[i + 1] & 0xFF) == 0xC2)) {
                b[i + 5] = (byte) (height >> 8);
                b[i + 6] = (byte) height;
                b[i + 7] = (byte) (width >> 8);
                b[i + 8] = (byte) width;
                return b;
            }
        }
        throw new IllegalStateException("no SOF marker");
    }

    /** A PNG whose header claims a size and whose one IDAT holds a few compressed zeros. */
    private static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Breaks the CRC of the IHDR chunk (bytes 29-32). */
    private static byte[] badCrc(byte[] png) {
        byte[] b = png.clone();
        b[29] ^= 0x01;
        return b;
    }

    /** Garbles the zlib stream of the first IDAT chunk. */
    private static byte[] corruptIdat(byte[] png) {
        byte[] b = png.clone();
        for (int i = 8; i + 8 < b.length; i++) {
            if (b[i + 4] == 'I' && b[i + 5] == 'D' && b[i + 6] == 'A' && b[i + 7] == 'T') {
                int length = ByteBuffer.wrap(b, i, 4).getInt();
                for (int k = 2; k < Math.min(length, 40); k++) {
                    b[i + 8 + k] = (byte) 0xFF;
                }
                return b;
            }
        }
        throw new IllegalStateException("no IDAT chunk");
    }

    /** Rewrites the logical screen size of a GIF (bytes 6-9, little-endian). */
    private static byte[] gifClaiming(byte[] gif, int width, int height) {
        byte[] b = gif.clone();
        b[6] = (byte) width;
        b[7] = (byte) (width >> 8);
        b[8] = (byte) height;
        b[9] = (byte) (height >> 8);
        // and the first image descriptor's size, which readers trust more
        for (int i = 13; i + 9 < b.length; i++) {
            if (b[i] == 0x2C) {
                b[i + 5] = (byte) width;
                b[i + 6] = (byte) (width >> 8);
                b[i + 7] = (byte) height;
                b[i + 8] = (byte) (height >> 8);
                break;
            }
        }
        return b;
    }

    /** Rewrites a BMP's info header size (bytes 18-25, little-endian). */
    private static byte[] bmpClaiming(byte[] bmp, int width, int height) {
        byte[] b = bmp.clone();
        ByteBuffer.wrap(b, 18, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(width).putInt(height);
        return b;
    }

    private static byte[] webpGarbage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(200).array());
        out.writeBytes("WEBPVP8 ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(random(200, 7));
        return out.toByteArray();
    }
}
