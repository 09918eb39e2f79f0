package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefaultImagePatcherTest {

    /** A 3x2 lossless WebP written by Pillow 9.4: red, green, blue / white, black, (10, 20, 30). */
    private static final String WEBP_3X2_LOSSLESS =
            "UklGRjoAAABXRUJQVlA4TC4AAAAvAkAAAC8gECCI8J9qQ0iQ0P2/V4EAQYn/SvMfIDY5tgoUpG3A4u4pWUT/4+oA";
    private static final int[] WEBP_PIXELS = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x0A141E};

    /**
     * An 8x8 CMYK JPEG (Adobe APP14, no ICC profile) written by Pillow 9.4 from CMYK
     * (0, 255, 255, 0), i.e. pure red.
     */
    static final String CMYK_JPEG_RED =
            "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYI"
            + "CwwLCgwJCgoK/8AAFAgACAAIBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMC"
            + "BAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElK"
            + "U1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY"
            + "2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD9/K/n/r+f+v38r//Z";

    private static final ImagePatcher.Settings SOLO_7B = new ImagePatcher.Settings(32, 1024, 8192L * 8192L, 256L << 20);
    private final DefaultImagePatcher patcher = new DefaultImagePatcher(SOLO_7B);

    @TempDir
    Path tmp;

    // ---- formats ----

    @Test
    void decodesPngExactly() {
        BufferedImage source = TestImages.patternImage(40, 30);

        BufferedImage decoded = patcher.decode(TestImages.encode(source, "png"));

        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertSamePixels(decoded, source);
    }

    @Test
    void decodesBmpExactly() {
        BufferedImage source = TestImages.patternImage(33, 17);

        assertSamePixels(patcher.decode(TestImages.encode(source, "bmp")), source);
    }

    @Test
    void decodesJpegCloseToTheSource() {
        BufferedImage source = flat(64, 48, new Color(0x33, 0x66, 0xCC));

        BufferedImage decoded = patcher.decode(jpeg(source, 0.9f));

        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(48);
        assertClose(TestImages.rgb(decoded, 10, 10), 0x3366CC, 4);
    }

    @Test
    void decodesFirstFrameOfAnimatedGif() throws IOException {
        byte[] gif = animatedGif(flat(20, 10, Color.RED), flat(20, 10, Color.BLUE));

        BufferedImage decoded = patcher.decode(gif);

        assertThat(decoded.getWidth()).isEqualTo(20);
        assertThat(TestImages.rgb(decoded, 5, 5)).isEqualTo(0xFF0000);
    }

    @Test
    void decodesLosslessWebp() {
        BufferedImage decoded = patcher.decode(Base64.getDecoder().decode(WEBP_3X2_LOSSLESS));

        assertThat(decoded.getWidth()).isEqualTo(3);
        assertThat(decoded.getHeight()).isEqualTo(2);
        for (int i = 0; i < 6; i++) {
            assertThat(TestImages.rgb(decoded, i % 3, i / 3)).isEqualTo(WEBP_PIXELS[i]);
        }
    }

    @Test
    void convertsCmykJpegToRgb() {
        BufferedImage decoded = patcher.decode(Base64.getDecoder().decode(CMYK_JPEG_RED));

        assertThat(decoded.getWidth()).isEqualTo(8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertClose(TestImages.rgb(decoded, x, y), 0xFF0000, 24);
            }
        }
    }

    @Test
    void replicatesGrayscalePng() {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 128);
        gray.getRaster().setSample(1, 0, 0, 7);

        BufferedImage decoded = patcher.decode(TestImages.encode(gray, "png"));

        assertThat(TestImages.rgb(decoded, 0, 0)).isEqualTo(0x808080);
        assertThat(TestImages.rgb(decoded, 1, 0)).isEqualTo(0x070707);
    }

    @Test
    void keepsHighByteOfSixteenBitPng() {
        BufferedImage gray16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 0x4080);
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {0xFF00, 0x8000, 0x01FF});
        BufferedImage rgb16 = new BufferedImage(cm, raster, false, null);

        assertThat(TestImages.rgb(patcher.decode(TestImages.encode(gray16, "png")), 0, 0)).isEqualTo(0x404040);
        assertThat(TestImages.rgb(patcher.decode(TestImages.encode(rgb16, "png")), 0, 0)).isEqualTo(0xFF8001);
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "gif"})
    void compositesTransparentPaletteEntryOnWhite(String format) {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, 0}, new byte[] {0, (byte) 255},
                new byte[] {(byte) 255, 0}, 1);
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSample(1, 0, 0, 1);

        BufferedImage decoded = patcher.decode(TestImages.encode(indexed, format));

        assertThat(TestImages.rgb(decoded, 0, 0)).isEqualTo(0x0000FF);
        assertThat(TestImages.rgb(decoded, 1, 0)).isEqualTo(0xFFFFFF);
    }

    @Test
    void compositesArgbPngOnWhite() {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_00_00_00);
        argb.setRGB(1, 0, 0x80_FF_00_00);
        argb.setRGB(2, 0, 0xFF_00_80_00);

        BufferedImage decoded = patcher.decode(TestImages.encode(argb, "png"));

        assertThat(TestImages.rgb(decoded, 0, 0)).isEqualTo(0xFFFFFF);
        assertThat(TestImages.rgb(decoded, 1, 0)).isEqualTo(0xFF7F7F);
        assertThat(TestImages.rgb(decoded, 2, 0)).isEqualTo(0x008000);
    }

    // ---- entry points ----

    @Test
    void patchifiesBytesFilesBufferedImagesAndDataUrlsAlike() throws IOException {
        BufferedImage source = TestImages.patternImage(100, 70);
        byte[] png = TestImages.encode(source, "png");
        Path file = Files.write(tmp.resolve("pattern.png"), png);
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        String wrapped = "data:image/png;base64," + Base64.getMimeEncoder().encodeToString(png);

        ImagePatches fromBytes = patcher.patchify(png);

        assertThat(fromBytes.grid()).isEqualTo(new PatchGrid(3, 4, 32));
        assertThat(fromBytes.sourceWidth()).isEqualTo(100);
        assertThat(fromBytes.sourceHeight()).isEqualTo(70);
        assertThat(patcher.patchify(file).values()).isEqualTo(fromBytes.values());
        assertThat(patcher.patchify(source).values()).isEqualTo(fromBytes.values());
        assertThat(patcher.patchifyDataUrl(dataUrl).values()).isEqualTo(fromBytes.values());
        assertThat(patcher.patchifyDataUrl(wrapped).values()).isEqualTo(fromBytes.values());
    }

    @Test
    void jpegsOnThePatchGridTakeTheByteRouteWithTheSameValues() {
        BufferedImage source = TestImages.patternImage(96, 64);
        byte[] jpeg = TestImages.encode(source, "jpeg");
        BufferedImage decoded = patcher.decode(jpeg); // TYPE_INT_RGB: the packed-RGB route

        ImagePatches direct = patcher.patchify(jpeg); // decoded as 3-byte BGR, cut from its bytes

        assertThat(direct.grid()).isEqualTo(new PatchGrid(2, 3, 32));
        assertThat(direct.values()).isEqualTo(patcher.patchify(decoded).values());
    }

    @Test
    void producesPatchesOfTheResampledImage() {
        ImagePatches patches = patcher.patchify(TestImages.patternImage(100, 70));
        RgbImage resized = PilResampler.resize(TestImages.pattern(100, 70), 128, 96);

        assertThat(patches.values()).isEqualTo(PatchExtractor.extract(resized, patches.grid()));
    }

    @Test
    void patchifiesThinImagesIntoOneRow() {
        ImagePatches patches = patcher.patchify(TestImages.patternImage(1, 5000));

        assertThat(patches.grid()).isEqualTo(new PatchGrid(32, 1, 32));
        assertThat(patches.values()).hasSize(32 * 3 * 32 * 32);
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        byte[] png = TestImages.encode(TestImages.patternImage(300, 200), "png");
        float[] expected = patcher.patchify(png).values();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> patcher.patchify(png).values()));
            }
            for (Future<float[]> result : results) {
                assertThat(result.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- refusals ----

    @Test
    void refusesEmptyBytesAndEmptyFile() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));

        assertThatThrownBy(() -> patcher.patchify(new byte[0]))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> patcher.patchify(empty))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty").hasMessageContaining("empty.jpg");
    }

    @Test
    void refusesMissingFileNamingIt() {
        Path missing = tmp.resolve("nope.png");

        assertThatThrownBy(() -> patcher.patchify(missing))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nope.png");
    }

    @Test
    void refusesTruncatedJpegInsteadOfReturningGrayPixels() throws IOException {
        byte[] jpeg = jpeg(TestImages.patternImage(200, 150), 0.9f);
        Path file = Files.write(tmp.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 6 / 10));

        assertThatThrownBy(() -> patcher.patchify(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> patcher.patchify(Arrays.copyOf(jpeg, jpeg.length - 2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("JPEG");
        assertThatThrownBy(() -> patcher.patchify(file))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cut.jpg");
    }

    @Test
    void refusesTruncatedPng() {
        byte[] png = TestImages.encode(TestImages.patternImage(200, 150), "png");

        for (int length : new int[] {png.length * 9 / 10, png.length / 2, 40}) {
            assertThatThrownBy(() -> patcher.patchify(Arrays.copyOf(png, length)))
                    .as("%d of %d bytes", length, png.length)
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("PNG");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gif", "bmp"})
    void refusesTruncatedGifAndBmp(String format) {
        byte[] encoded = TestImages.encode(TestImages.patternImage(64, 48), format);

        assertThatThrownBy(() -> patcher.patchify(Arrays.copyOf(encoded, encoded.length * 7 / 10)))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusesTruncatedWebp() {
        byte[] webp = Base64.getDecoder().decode(WEBP_3X2_LOSSLESS);

        assertThatThrownBy(() -> patcher.patchify(Arrays.copyOf(webp, webp.length - 20)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("WebP");
    }

    @Test
    void refusesUnknownFormats() {
        byte[] garbage = "this is certainly not an image".getBytes(StandardCharsets.US_ASCII);
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0};

        assertThatThrownBy(() -> patcher.patchify(garbage))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a JPEG, PNG, BMP, GIF or WebP");
        assertThatThrownBy(() -> patcher.patchify(tiff)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void refusesPngHeaderClaimingTooManyPixelsBeforeDecoding() {
        byte[] bomb = pngHeaderOnly(100_000, 100_000);

        assertThatThrownBy(() -> patcher.patchify(bomb))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("100000x100000")
                .hasMessageContaining("maxPixels");
    }

    @Test
    void refusesGifAndBmpHeadersClaimingTooManyPixels() {
        ByteBuffer gif = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
        gif.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0xFFFF).putShort((short) 0xFFFF);
        ByteBuffer bmp = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54)
                .putInt(40).putInt(50_000).putInt(50_000).putShort((short) 1).putShort((short) 24);

        assertThatThrownBy(() -> patcher.patchify(gif.array())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> patcher.patchify(bmp.array())).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void appliesConfiguredPixelLimit() {
        DefaultImagePatcher small = new DefaultImagePatcher(new ImagePatcher.Settings(32, 1024, 100, 1 << 20));

        assertThatThrownBy(() -> small.patchify(TestImages.encode(TestImages.patternImage(20, 20), "png")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("20x20");
    }

    @Test
    void refusesEncodedImagesAboveTheByteLimit() throws IOException {
        DefaultImagePatcher small = new DefaultImagePatcher(new ImagePatcher.Settings(32, 1024, 1 << 20, 100));
        byte[] png = TestImages.encode(TestImages.patternImage(30, 30), "png");
        Path file = Files.write(tmp.resolve("big.png"), png);
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);

        assertThat(png.length).isGreaterThan(100);
        assertThatThrownBy(() -> small.patchify(png))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxEncodedBytes");
        assertThatThrownBy(() -> small.patchify(file))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("big.png")
                .hasMessageContaining("maxEncodedBytes");
        assertThatThrownBy(() -> small.patchifyDataUrl(dataUrl))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxEncodedBytes");
    }

    @Test
    void refusesMalformedDataUrls() {
        assertThatThrownBy(() -> patcher.patchifyDataUrl("https://example.com/cat.png"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("data URL");
        assertThatThrownBy(() -> patcher.patchifyDataUrl("data:text/plain;base64,aGVsbG8="))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> patcher.patchifyDataUrl("data:image/png,rawbytes"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> patcher.patchifyDataUrl("data:image/png;base64,@@@@"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> patcher.patchifyDataUrl(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void neverThrowsAnythingButInvalidInputOnCorruptedFiles() {
        BufferedImage source = TestImages.patternImage(48, 40);
        List<byte[]> valid = List.of(TestImages.encode(source, "png"), jpeg(source, 0.8f),
                TestImages.encode(source, "gif"), TestImages.encode(source, "bmp"),
                Base64.getDecoder().decode(WEBP_3X2_LOSSLESS), Base64.getDecoder().decode(CMYK_JPEG_RED));
        Random random = new Random(42);

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (byte[] original : valid) {
                for (int trial = 0; trial < 150; trial++) {
                    byte[] corrupted = original.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int i = 0; i < flips; i++) {
                        // Keep the signature so that the format's own reader gets the bytes.
                        int pos = 4 + random.nextInt(corrupted.length - 4);
                        corrupted[pos] = (byte) random.nextInt(256);
                    }
                    try {
                        patcher.patchify(corrupted);
                    } catch (InvalidInputException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                }
            }
        });
    }

    // ---- helpers ----

    private static BufferedImage flat(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] animatedGif(BufferedImage... frames) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A PNG signature, an IHDR chunk with a valid CRC, and IEND: no pixel data at all. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0)
                .array();
        b.putInt(13).put(ihdr).putInt(crc(ihdr));
        byte[] iend = "IEND".getBytes(StandardCharsets.US_ASCII);
        b.putInt(0).put(iend).putInt(crc(iend));
        return b.array();
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(TestImages.rgb(actual, x, y)).as("pixel %d,%d", x, y)
                        .isEqualTo(TestImages.rgb(expected, x, y));
            }
        }
    }

    private static void assertClose(int actual, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            assertThat((actual >>> shift) & 0xFF).as("channel at bit %d of %06x", shift, actual)
                    .isCloseTo((expected >>> shift) & 0xFF, within(tolerance));
        }
    }
}
