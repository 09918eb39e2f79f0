package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

class RgbConverterTest {

    @Test
    void replicatesGrayWithoutJavaGammaCurve() {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 128);
        gray.getRaster().setSample(1, 0, 0, 50);

        RgbImage rgb = RgbConverter.toRgb(gray);

        // getRGB would give 0xBCBCBC and 0x7A7A7A; Pillow's convert("RGB") replicates the byte.
        assertThat(rgb.pixels()).containsExactly(0x808080, 0x323232);
    }

    @Test
    void keepsHighByteOfSixteenBitGray() {
        BufferedImage gray = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, 0x80FF);

        assertThat(RgbConverter.toRgb(gray).pixels()).containsExactly(0x808080);
    }

    @Test
    void compositesAlphaOnWhite() {
        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_12_34_56); // transparent
        argb.setRGB(1, 0, 0x80_FF_00_00); // half-transparent red
        argb.setRGB(2, 0, 0xFF_00_FF_00); // opaque green

        RgbImage rgb = RgbConverter.toRgb(argb);

        assertThat(rgb.pixels()).containsExactly(0xFFFFFF, 0xFF7F7F, 0x00FF00);
    }

    @Test
    void compositesPremultipliedAndByteAlphaLayoutsTheSameWay() {
        BufferedImage reference = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        reference.setRGB(0, 0, 0x00_12_34_56);
        reference.setRGB(1, 0, 0x80_FF_00_00);
        reference.setRGB(2, 0, 0xFF_00_FF_00);
        for (int type : new int[] {BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB_PRE}) {
            BufferedImage copy = new BufferedImage(3, 1, type);
            copy.setRGB(0, 0, 3, 1, reference.getRGB(0, 0, 3, 1, null, 0, 3), 0, 3);

            assertThat(RgbConverter.toRgb(copy).pixels()).as("type %d", type)
                    .containsExactly(RgbConverter.toRgb(reference).pixels());
        }
    }

    @Test
    void compositesTransparentPaletteEntryOnWhite() {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {0, 0}, new byte[] {0, (byte) 255},
                new byte[] {(byte) 255, 0}, 1);
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSample(0, 0, 0, 0);
        indexed.getRaster().setSample(1, 0, 0, 1);

        assertThat(RgbConverter.toRgb(indexed).pixels()).containsExactly(0x0000FF, 0xFFFFFF);
    }

    @Test
    void readsSubImagesAtTheirOwnOrigin() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage full = new BufferedImage(8, 6, type);
            Graphics2D g = full.createGraphics();
            g.drawImage(TestImages.patternImage(8, 6), 0, 0, null);
            g.dispose();
            BufferedImage sub = full.getSubimage(3, 2, 4, 3);

            RgbImage rgb = RgbConverter.toRgb(sub);

            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    int expected = type == BufferedImage.TYPE_BYTE_GRAY
                            ? gray(full.getRaster().getSample(x + 3, y + 2, 0))
                            : full.getRGB(x + 3, y + 2) & 0xFFFFFF;
                    assertThat(rgb.pixels()[y * 4 + x]).as("type %d at %d,%d", type, x, y).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void readsBandedSixteenBitRgb() {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = Raster.createBandedRaster(DataBuffer.TYPE_USHORT, 2, 1, 3, null);
        raster.setPixel(0, 0, new int[] {0xFF00, 0x8000, 0x0100});
        raster.setPixel(1, 0, new int[] {0, 0xFFFF, 0x7FFF});
        BufferedImage image = new BufferedImage(cm, raster, false, null);

        assertThat(RgbConverter.toRgb(image).pixels()).containsExactly(0xFF8001, 0x00FF7F);
    }

    @Test
    void convertsPackedAndBinaryImagesThroughJavaColourModel() {
        BufferedImage rgb565 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_565_RGB);
        rgb565.setRGB(0, 0, 0xFFFFFF);
        BufferedImage binary = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(1, 0, Color.WHITE.getRGB());

        assertThat(RgbConverter.toRgb(rgb565).pixels()).containsExactly(0xFFFFFF);
        assertThat(RgbConverter.toRgb(binary).pixels()).containsExactly(0x000000, 0xFFFFFF);
    }

    @Test
    void roundTripsThroughIntRgbBufferedImage() {
        RgbImage pattern = TestImages.pattern(13, 7);

        BufferedImage image = RgbConverter.toBufferedImage(pattern);

        assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(RgbConverter.toRgb(image).pixels()).containsExactly(pattern.pixels());
    }

    @Test
    void scalesOddBitDepthsToFullRange() {
        assertThat(RgbConverter.to8(3, 2)).isEqualTo(255);
        assertThat(RgbConverter.to8(1, 2)).isEqualTo(85);
        assertThat(RgbConverter.to8(0xABCD, 16)).isEqualTo(0xAB);
        assertThat(RgbConverter.to8(15, 4)).isEqualTo(255);
    }

    private static int gray(int v) {
        return (v << 16) | (v << 8) | v;
    }
}
