package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PilResamplerTest {

    /**
     * CRC-32 of the RGB bytes of {@code pattern(w, h).resize((ow, oh), Image.BILINEAR)} computed
     * with Pillow 9.4.0 (Debian 12's python3-pil, the version that made the golden fixture).
     */
    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({
        "100, 70, 128, 96, 956071715",
        "640, 480, 320, 256, 746084366",
        "1000, 10, 1024, 32, 2026023139",
        "37, 53, 64, 96, 612884075",
        "300, 200, 96, 64, 3820856317",
        "5, 3, 32, 32, 2796063804",
        "1, 1, 32, 32, 2195535046",
        "1, 7, 32, 64, 3393698511",
        "257, 129, 256, 128, 2250460599",
        "2048, 1536, 1024, 768, 1700895819",
        "64, 64, 64, 32, 199681795",
        "64, 64, 32, 64, 48764613",
        "3000, 2, 1024, 32, 2121676499",
        "33, 1000, 32, 992, 2550074986",
        "999, 777, 1024, 800, 236002968",
        "50, 50, 7, 3, 3237893436",
    })
    void matchesPillowBilinearBitForBit(int width, int height, int outWidth, int outHeight, long pillowCrc) {
        RgbImage source = TestImages.pattern(width, height);

        RgbImage resized = PilResampler.resize(source, outWidth, outHeight);

        assertThat(resized.width()).isEqualTo(outWidth);
        assertThat(resized.height()).isEqualTo(outHeight);
        assertThat(crcOfRgbBytes(resized)).isEqualTo(pillowCrc);
    }

    @Test
    void returnsSourceWhenSizeIsUnchanged() {
        RgbImage source = TestImages.pattern(64, 32);

        assertThat(PilResampler.resize(source, 64, 32)).isSameAs(source);
    }

    @Test
    void keepsUniformColourWhenScalingEitherWay() {
        int[] pixels = new int[17 * 9];
        Arrays.fill(pixels, 0x10_80_F0);
        RgbImage flat = new RgbImage(17, 9, pixels);

        assertThat(PilResampler.resize(flat, 64, 32).pixels()).containsOnly(0x10_80_F0);
        assertThat(PilResampler.resize(flat, 3, 2).pixels()).containsOnly(0x10_80_F0);
    }

    @Test
    void coefficientsOfEachOutputPixelSumToOneInFixedPoint() {
        PilResampler.Coefficients c = PilResampler.Coefficients.of(1000, 96);

        for (int i = 0; i < 96; i++) {
            long sum = 0;
            for (int k = 0; k < c.count(i); k++) {
                sum += c.weights[i * c.ksize + k];
            }
            assertThat(sum).isCloseTo(1L << PilResampler.PRECISION_BITS, within((long) c.ksize));
        }
    }

    private static long crcOfRgbBytes(RgbImage image) {
        byte[] bytes = new byte[image.pixels().length * 3];
        int i = 0;
        for (int p : image.pixels()) {
            bytes[i++] = (byte) (p >>> 16);
            bytes[i++] = (byte) (p >>> 8);
            bytes[i++] = (byte) p;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
