package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.image.PatchGrid;
import org.junit.jupiter.api.Test;

class PatchExtractorTest {

    @Test
    void flattensPatchesRowMajorInChannelRowColumnOrder() {
        RgbImage image = TestImages.pattern(8, 4); // a 2x4 grid of 2x2 patches
        PatchGrid grid = new PatchGrid(2, 4, 2);

        float[] values = PatchExtractor.extract(image, grid);

        assertThat(values).hasSize(8 * 3 * 4);
        for (int patch = 0; patch < 8; patch++) {
            for (int c = 0; c < 3; c++) {
                for (int r = 0; r < 2; r++) {
                    for (int x = 0; x < 2; x++) {
                        int px = (patch % 4) * 2 + x;
                        int py = (patch / 4) * 2 + r;
                        int value = (image.pixels()[py * 8 + px] >>> (16 - 8 * c)) & 0xFF;
                        assertThat(values[patch * 12 + c * 4 + r * 2 + x]).isEqualTo(normalized(value, c));
                    }
                }
            }
        }
    }

    @Test
    void usesTorchFloat32Arithmetic() {
        // (v / 255 - mean) / std in float32; a float64 computation would differ in the last bits.
        float expected = ((float) 200 / 255f - 0.456f) / 0.224f;

        float[] values = PatchExtractor.extract(new RgbImage(1, 1, new int[] {0x00C800}), new PatchGrid(1, 1, 1));

        assertThat(values[1]).isEqualTo(expected);
        assertThat(values[0]).isEqualTo((0f - 0.485f) / 0.229f);
    }

    @Test
    void dropsPixelsBeyondTheGridLikeUnfold() {
        RgbImage image = TestImages.pattern(5, 3);

        float[] values = PatchExtractor.extract(image, new PatchGrid(1, 2, 2));

        assertThat(values).hasSize(2 * 3 * 4);
        assertThat(values[12]).isEqualTo(normalized((image.pixels()[2] >>> 16) & 0xFF, 0));
    }

    @Test
    void denormalizeInvertsEveryByte() {
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                assertThat(PatchExtractor.denormalize(normalized(v, c), c)).isEqualTo(v);
            }
        }
        assertThat(PatchExtractor.denormalize(100f, 0)).isEqualTo(255);
        assertThat(PatchExtractor.denormalize(-100f, 2)).isZero();
    }

    private static float normalized(int v, int c) {
        return ((float) v / 255f - PatchExtractor.MEAN[c]) / PatchExtractor.STD[c];
    }

    @Test
    void bgrBytesGiveTheSameValuesAsPackedRgb() {
        java.awt.image.BufferedImage bgr = new java.awt.image.BufferedImage(64, 32,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                bgr.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        PatchGrid grid = new PatchGrid(1, 2, 32);

        byte[] bytes = PatchExtractor.plainBgrBytes(bgr);

        assertThat(bytes).isNotNull();
        assertThat(PatchExtractor.extractBgr(bytes, 64, grid))
                .containsExactly(PatchExtractor.extract(RgbConverter.toRgb(bgr), grid));
    }

    @Test
    void onlyPlainBgrRastersTakeTheByteRoute() {
        java.awt.image.BufferedImage bgr = new java.awt.image.BufferedImage(64, 64,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);

        assertThat(PatchExtractor.plainBgrBytes(bgr.getSubimage(32, 0, 32, 32))).as("a sub-image").isNull();
        assertThat(PatchExtractor.plainBgrBytes(new java.awt.image.BufferedImage(8, 8,
                java.awt.image.BufferedImage.TYPE_INT_RGB))).isNull();
        assertThat(PatchExtractor.plainBgrBytes(new java.awt.image.BufferedImage(8, 8,
                java.awt.image.BufferedImage.TYPE_4BYTE_ABGR))).isNull();
    }
}
