package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JpegProbeTest {

    @Test
    void acceptsColourAndGrayHuffmanJpegs() {
        byte[] colour = DefaultImagePatcherTest.jpeg(TestImages.patternImage(16, 16), 0.9f);
        byte[] gray = TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "jpeg");

        assertThat(JpegProbe.isPlainHuffmanJpeg(colour)).isTrue();
        assertThat(JpegProbe.isPlainHuffmanJpeg(gray)).isTrue();
    }

    @Test
    void leavesCmykToTwelveMonkeys() {
        byte[] cmyk = Base64.getDecoder().decode(DefaultImagePatcherTest.CMYK_JPEG_RED);

        assertThat(JpegProbe.isPlainHuffmanJpeg(cmyk)).isFalse();
    }

    @Test
    void rejectsCutOrMalformedMarkerSequences() {
        byte[] colour = DefaultImagePatcherTest.jpeg(TestImages.patternImage(16, 16), 0.9f);

        assertThat(JpegProbe.isPlainHuffmanJpeg(Arrays.copyOf(colour, 10))).isFalse();
        assertThat(JpegProbe.isPlainHuffmanJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0}))
                .isFalse();
        assertThat(JpegProbe.isPlainHuffmanJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, 5})).isFalse();
    }
}
