package ai.solo.impl.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorConversionsTest {

    private static short f16(float f) {
        return TensorConversions.f32ToF16(f);
    }

    private static float f32(int halfBits) {
        return TensorConversions.f16ToF32((short) halfBits);
    }

    /** Exact value of a half, computed independently in double arithmetic. */
    private static double referenceHalf(int h) {
        int sign = (h & 0x8000) != 0 ? -1 : 1;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            return sign * mant * Math.pow(2, -24);
        }
        return sign * (1 + mant / 1024.0) * Math.pow(2, exp - 15);
    }

    @Test
    void bf16KnownBitPatterns() {
        assertThat(TensorConversions.bf16ToF32((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(TensorConversions.bf16ToF32((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(TensorConversions.f32ToBf16(1.0f)).isEqualTo((short) 0x3F80);
        assertThat(TensorConversions.f32ToBf16(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(TensorConversions.f32ToBf16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        assertThat(TensorConversions.f32ToBf16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        assertThat(TensorConversions.f32ToBf16(-0.0f)).isEqualTo((short) 0x8000);
    }

    @Test
    void f32ToBf16RoundsHalfToEven() {
        // 0x3F808000 lies exactly between bf16 0x3F80 (even) and 0x3F81 (odd).
        assertThat(TensorConversions.f32ToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(TensorConversions.f32ToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(TensorConversions.f32ToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(TensorConversions.f32ToBf16(Float.intBitsToFloat(0x3F807FFF))).isEqualTo((short) 0x3F80);
        // The largest float rounds up to infinity, as PyTorch does.
        assertThat(TensorConversions.f32ToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
    }

    @Test
    void f32ToBf16KeepsNanEvenWhenPayloadIsOnlyInLowBits() {
        short nan = TensorConversions.f32ToBf16(Float.intBitsToFloat(0x7F800001));
        assertThat(Float.isNaN(TensorConversions.bf16ToF32(nan))).isTrue();
        short negNan = TensorConversions.f32ToBf16(Float.intBitsToFloat(0xFF800001));
        assertThat(Float.isNaN(TensorConversions.bf16ToF32(negNan))).isTrue();
        assertThat(negNan & 0x8000).isEqualTo(0x8000);
        assertThat(Float.isNaN(TensorConversions.bf16ToF32(TensorConversions.f32ToBf16(Float.NaN)))).isTrue();
    }

    @Test
    void everyBf16SurvivesRoundTripThroughF32() {
        for (int b = 0; b < 0x10000; b++) {
            float f = TensorConversions.bf16ToF32((short) b);
            short back = TensorConversions.f32ToBf16(f);
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(TensorConversions.bf16ToF32(back))).as("bits %04x", b).isTrue();
            } else {
                assertThat(back & 0xFFFF).as("bits %04x", b).isEqualTo(b);
            }
        }
    }

    @Test
    void f16KnownBitPatterns() {
        assertThat(f32(0x3C00)).isEqualTo(1.0f);
        assertThat(f32(0xC000)).isEqualTo(-2.0f);
        assertThat(f32(0x7BFF)).isEqualTo(65504f);
        assertThat(f32(0x0400)).isEqualTo((float) Math.pow(2, -14)); // 6.1035156e-5, smallest normal
        assertThat(f32(0x03FF)).isEqualTo((float) (1023 * Math.pow(2, -24))); // largest subnormal
        assertThat(f32(0x0001)).isEqualTo((float) Math.pow(2, -24)); // 5.96e-8, smallest subnormal
        assertThat(f32(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(f32(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(f32(0x7E00)).isNaN();
        assertThat(Float.floatToRawIntBits(f32(0x8000))).isEqualTo(0x80000000);

        assertThat(f16(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(f16(-2.0f)).isEqualTo((short) 0xC000);
        assertThat(f16(65504f)).isEqualTo((short) 0x7BFF);
        assertThat(f16(6.1035156e-5f)).isEqualTo((short) 0x0400);
        assertThat(f16(6.097555e-5f)).isEqualTo((short) 0x03FF);
        assertThat(f16(5.9604645e-8f)).isEqualTo((short) 0x0001);
        assertThat(f16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7C00);
        assertThat(f16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFC00);
        assertThat(f16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(f32(f16(Float.NaN))).isNaN();
        assertThat(f32(f16(Float.intBitsToFloat(0x7F800001)))).isNaN(); // payload below the kept bits
    }

    @Test
    void f32ToF16OverflowsToInfinityFrom65520() {
        assertThat(f16(65519.996f)).isEqualTo((short) 0x7BFF);
        assertThat(f16(65520f)).isEqualTo((short) 0x7C00); // tie, 65504 is odd: rounds up to inf
        assertThat(f16(1e6f)).isEqualTo((short) 0x7C00);
        assertThat(f16(-1e6f)).isEqualTo((short) 0xFC00);
        assertThat(f16(Float.MAX_VALUE)).isEqualTo((short) 0x7C00);
    }

    @Test
    void f32ToF16RoundsTinyValuesToSubnormalsOrZeroHalfToEven() {
        float minSub = (float) Math.pow(2, -24);
        assertThat(f16(minSub / 2)).isEqualTo((short) 0x0000); // tie with 0 (even)
        assertThat(f16(Math.nextUp(minSub / 2))).isEqualTo((short) 0x0001);
        assertThat(f16(-minSub / 2)).isEqualTo((short) 0x8000);
        assertThat(f16(1.5f * minSub)).isEqualTo((short) 0x0002); // tie between 1 and 2: even
        assertThat(f16(2.5f * minSub)).isEqualTo((short) 0x0002); // tie between 2 and 3: even
        assertThat(f16(Float.MIN_VALUE)).isEqualTo((short) 0x0000);
        // Just under the smallest normal rounds up into it.
        assertThat(f16(Math.nextDown((float) Math.pow(2, -14)))).isEqualTo((short) 0x0400);
        assertThat(f16(1023.5f * minSub)).isEqualTo((short) 0x0400); // tie, 0x3FF odd: up to normal
    }

    @Test
    void everyF16WidensExactlyAndSurvivesRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = f32(h);
            short back = f16(f);
            boolean nan = ((h >>> 10) & 0x1F) == 0x1F && (h & 0x3FF) != 0;
            if (nan) {
                assertThat(f).as("bits %04x", h).isNaN();
                assertThat(f32(back)).as("bits %04x", h).isNaN();
            } else {
                if (((h >>> 10) & 0x1F) != 0x1F) {
                    assertThat((double) f).as("bits %04x", h).isEqualTo(referenceHalf(h));
                }
                assertThat(back & 0xFFFF).as("bits %04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void f32ToF16PicksNearestHalfTiesToEvenForRandomFloats() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000_000; i++) {
            // Exponents around the half range, so subnormal, normal and overflow cases all occur.
            float f = (float) ((random.nextBoolean() ? 1 : -1) * Math.scalb(1 + random.nextDouble(), random.nextInt(-27, 17)));
            int h = f16(f) & 0xFFFF;
            double err = Math.abs(referenceHalf(h) - f);
            if ((h & 0x7FFF) == 0x7C00) {
                assertThat(Math.abs(f)).as("%s", f).isGreaterThanOrEqualTo(65520f);
                continue;
            }
            int mag = h & 0x7FFF;
            for (int neighbour : new int[] {mag - 1, mag + 1}) {
                if (neighbour < 0 || neighbour > 0x7BFF) {
                    continue;
                }
                double other = Math.abs(referenceHalf(neighbour | (h & 0x8000)) - f);
                assertThat(err).as("%s -> %04x vs %04x", f, h, neighbour).isLessThanOrEqualTo(other);
                if (err == other) {
                    assertThat(mag & 1).as("tie %s -> %04x must be even", f, h).isZero();
                }
            }
        }
    }

    @Test
    void bulkConversionsMatchScalarsAndAdvancePositions() {
        int n = 20_001; // more than one internal chunk, and odd
        ByteBuffer f32 = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            f32.putFloat(i * 4, (float) random.nextGaussian() * 100);
        }
        ByteBuffer half = ByteBuffer.allocate(n * 2);
        TensorConversions.f32ToF16(f32, half);
        assertThat(f32.remaining()).isZero();
        assertThat(half.remaining()).isZero();
        ByteBuffer bf16 = ByteBuffer.allocate(n * 2);
        TensorConversions.f32ToBf16(f32.rewind(), bf16);

        // A big-endian destination still receives little-endian bytes.
        ByteBuffer back = ByteBuffer.allocate(n * 4).order(ByteOrder.BIG_ENDIAN);
        TensorConversions.f16ToF32(half.flip(), back);
        ByteBuffer backBf = ByteBuffer.allocateDirect(n * 4);
        TensorConversions.bf16ToF32(bf16.flip(), backBf);
        ByteBuffer le = back.flip().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer leBf = backBf.flip().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer halfLe = half.flip().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bfLe = bf16.flip().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float x = f32.getFloat(i * 4);
            assertThat(halfLe.getShort(i * 2)).isEqualTo(TensorConversions.f32ToF16(x));
            assertThat(bfLe.getShort(i * 2)).isEqualTo(TensorConversions.f32ToBf16(x));
            assertThat(le.getFloat(i * 4)).isEqualTo(TensorConversions.f16ToF32(TensorConversions.f32ToF16(x)));
            assertThat(leBf.getFloat(i * 4)).isEqualTo(TensorConversions.bf16ToF32(TensorConversions.f32ToBf16(x)));
        }
    }

    @Test
    void f64ToF32ConvertsInBulk() {
        ByteBuffer src = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.5).putDouble(-1e300)
                .putDouble(Math.PI).flip();
        ByteBuffer dst = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        TensorConversions.f64ToF32(src, dst);
        assertThat(dst.getFloat(0)).isEqualTo(1.5f);
        assertThat(dst.getFloat(4)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(dst.getFloat(8)).isEqualTo((float) Math.PI);
    }

    @Test
    void bulkConversionRejectsPartialElementsAndShortDestinations() {
        assertThatThrownBy(() -> TensorConversions.bf16ToF32(ByteBuffer.allocate(3), ByteBuffer.allocate(8)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("multiple");
        assertThatThrownBy(() -> TensorConversions.f16ToF32(ByteBuffer.allocate(4), ByteBuffer.allocate(7)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needed");
    }
}
