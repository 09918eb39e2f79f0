package ai.solo.impl.io;

import ai.solo.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * Conversions between float32 and the 16-bit float formats stored in checkpoints (IEEE half
 * {@code F16} and {@code BF16}), and from {@code F64} to float32. Java 17 has no
 * {@code Float.float16ToFloat}, so the bit manipulation is done here.
 *
 * <p>Narrowing rounds to nearest, ties to even, as PyTorch does: overflow becomes infinity,
 * tiny values become (signed) subnormals or zero, NaN stays NaN (payload kept where it fits).
 *
 * <p>The bulk methods read {@code src} from its position to its limit and write {@code dst}
 * from its position, both always <b>little-endian</b> (the safetensors byte order) whatever
 * {@link ByteBuffer#order()} says, and advance both positions like {@link ByteBuffer#put}.
 * Heap, direct and memory-mapped buffers all work. Stateless and thread-safe.
 */
public final class TensorConversions {

    private TensorConversions() {
    }

    /**
     * Widens a bfloat16 to float32; exact, since bfloat16 is the top half of a float32.
     *
     * @param bf16 the 16 raw bits
     * @return the same value as a float
     */
    public static float bf16ToF32(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /**
     * Narrows a float32 to bfloat16, rounding to nearest even; NaN becomes a quiet NaN of the
     * same sign.
     *
     * @param f a float
     * @return the 16 raw bits of the nearest bfloat16
     */
    public static short f32ToBf16(float f) {
        return f32BitsToBf16(Float.floatToRawIntBits(f));
    }

    /**
     * Widens an IEEE half to float32; exact for every value, including subnormals, infinities
     * and NaN (payload kept).
     *
     * @param f16 the 16 raw bits
     * @return the same value as a float
     */
    public static float f16ToF32(short f16) {
        return Float.intBitsToFloat(f16ToF32Bits(f16));
    }

    /**
     * Narrows a float32 to IEEE half, rounding to nearest even: values from 65520 up become
     * infinity, values below 2^-14 become subnormal halves, at most 2^-25 become zero.
     *
     * @param f a float
     * @return the 16 raw bits of the nearest half
     */
    public static short f32ToF16(float f) {
        return f32BitsToF16(Float.floatToRawIntBits(f));
    }

    /**
     * Converts {@code src.remaining() / 2} bfloat16 values to float32.
     *
     * @param src little-endian bfloat16 bytes; remaining must be even
     * @param dst receives 4 bytes per value; needs that much remaining
     * @throws InvalidInputException if {@code src} holds a partial value or {@code dst} is too small
     */
    public static void bf16ToF32(ByteBuffer src, ByteBuffer dst) {
        int n = count(src, 2, dst, 4);
        widen(src, dst, n, false);
        advance(src, n * 2, dst, n * 4);
    }

    /**
     * Converts {@code src.remaining() / 4} float32 values to bfloat16, rounding to nearest even.
     *
     * @param src little-endian float32 bytes; remaining must be a multiple of 4
     * @param dst receives 2 bytes per value; needs that much remaining
     * @throws InvalidInputException if {@code src} holds a partial value or {@code dst} is too small
     */
    public static void f32ToBf16(ByteBuffer src, ByteBuffer dst) {
        int n = count(src, 4, dst, 2);
        ByteBuffer in = le(src);
        ByteBuffer out = le(dst);
        int ip = in.position();
        int op = out.position();
        for (int i = 0; i < n; i++) {
            out.putShort(op + 2 * i, f32BitsToBf16(in.getInt(ip + 4 * i)));
        }
        advance(src, n * 4, dst, n * 2);
    }

    /**
     * Converts {@code src.remaining() / 2} IEEE halves to float32.
     *
     * @param src little-endian half bytes; remaining must be even
     * @param dst receives 4 bytes per value; needs that much remaining
     * @throws InvalidInputException if {@code src} holds a partial value or {@code dst} is too small
     */
    public static void f16ToF32(ByteBuffer src, ByteBuffer dst) {
        int n = count(src, 2, dst, 4);
        widen(src, dst, n, true);
        advance(src, n * 2, dst, n * 4);
    }

    /**
     * Converts {@code src.remaining() / 4} float32 values to IEEE halves, rounding to nearest even.
     *
     * @param src little-endian float32 bytes; remaining must be a multiple of 4
     * @param dst receives 2 bytes per value; needs that much remaining
     * @throws InvalidInputException if {@code src} holds a partial value or {@code dst} is too small
     */
    public static void f32ToF16(ByteBuffer src, ByteBuffer dst) {
        int n = count(src, 4, dst, 2);
        ByteBuffer in = le(src);
        ByteBuffer out = le(dst);
        int ip = in.position();
        int op = out.position();
        for (int i = 0; i < n; i++) {
            out.putShort(op + 2 * i, f32BitsToF16(in.getInt(ip + 4 * i)));
        }
        advance(src, n * 4, dst, n * 2);
    }

    /**
     * Converts {@code src.remaining() / 8} float64 values to float32 (Java's rounding to nearest).
     *
     * @param src little-endian float64 bytes; remaining must be a multiple of 8
     * @param dst receives 4 bytes per value; needs that much remaining
     * @throws InvalidInputException if {@code src} holds a partial value or {@code dst} is too small
     */
    public static void f64ToF32(ByteBuffer src, ByteBuffer dst) {
        int n = count(src, 8, dst, 4);
        ByteBuffer in = le(src);
        ByteBuffer out = le(dst);
        int ip = in.position();
        int op = out.position();
        for (int i = 0; i < n; i++) {
            out.putFloat(op + 4 * i, (float) in.getDouble(ip + 8 * i));
        }
        advance(src, n * 8, dst, n * 4);
    }

    /** Elements per chunk: 16 KiB + 32 KiB of scratch, small enough to stay in L1/L2. */
    private static final int CHUNK = 8192;

    /**
     * Widens 16-bit values to float32 bits through small arrays: the bulk get/put are memory
     * copies and the array loop vectorises, several times faster than per-element buffer access.
     */
    private static void widen(ByteBuffer src, ByteBuffer dst, int n, boolean f16) {
        ShortBuffer in = le(src).asShortBuffer();
        IntBuffer out = le(dst).asIntBuffer();
        short[] h = new short[Math.min(n, CHUNK)];
        int[] w = new int[h.length];
        for (int done = 0; done < n; done += h.length) {
            int len = Math.min(h.length, n - done);
            in.get(h, 0, len);
            if (f16) {
                for (int i = 0; i < len; i++) {
                    w[i] = f16ToF32Bits(h[i]); // int bits, not float, so NaN payloads survive
                }
            } else {
                for (int i = 0; i < len; i++) {
                    w[i] = (h[i] & 0xFFFF) << 16;
                }
            }
            out.put(w, 0, len);
        }
    }

    static short f32BitsToBf16(int bits) {
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            // Truncating a NaN could clear every mantissa bit and make it infinity: force quiet.
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry into the exponent
        // is the correct result (up to infinity at the top of the range).
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    static int f16ToF32Bits(short f16) {
        int h = f16 & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return sign | 0x7F800000 | (mant << 13);
        }
        if (exp != 0) {
            return sign | ((exp - 15 + 127) << 23) | (mant << 13);
        }
        if (mant == 0) {
            return sign;
        }
        // Subnormal half = mant * 2^-24: exact in float32, where it is a normal number.
        return sign | Float.floatToRawIntBits(mant * 0x1p-24f);
    }

    static short f32BitsToF16(int bits) {
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) {
                return (short) (sign | 0x7C00);
            }
            // Keep the top payload bits; if they are all zero the result would read as
            // infinity, so set the quiet bit instead.
            int payload = (abs >>> 13) & 0x3FF;
            return (short) (sign | 0x7C00 | (payload == 0 ? 0x200 : payload));
        }
        if (abs >= 0x477FF000) {
            // >= 65520, halfway between 65504 (max half, odd mantissa) and 2^16: rounds up to inf.
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) {
            // Normal half (>= 2^-14): rebias the exponent, keep 10 mantissa bits, round 13 away.
            // A mantissa carry ripples into the exponent, which is the correct rounding.
            int h = ((abs >>> 23) - 127 + 15) << 10 | ((abs >>> 13) & 0x3FF);
            int rest = abs & 0x1FFF;
            if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
                h++;
            }
            return (short) (sign | h);
        }
        if (abs <= 0x33000000) {
            // At most 2^-25, half the smallest subnormal: rounds (ties to even) to zero.
            return (short) sign;
        }
        // Subnormal half: value / 2^-24 = (1.mant) * 2^(exp-127) * 2^24 = full >> (126 - exp).
        int exp = abs >>> 23;
        int full = (abs & 0x7FFFFF) | 0x800000;
        int shift = 126 - exp; // 14..24 for exp in 102..112
        int h = full >>> shift;
        int rest = full & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (h & 1) != 0)) {
            h++; // may become 0x400, the smallest normal, which is correct
        }
        return (short) (sign | h);
    }

    private static int count(ByteBuffer src, int srcBytes, ByteBuffer dst, int dstBytes) {
        int remaining = src.remaining();
        if (remaining % srcBytes != 0) {
            throw new InvalidInputException("source holds " + remaining + " bytes, not a multiple of the "
                    + srcBytes + "-byte element size");
        }
        int n = remaining / srcBytes;
        if ((long) n * dstBytes > dst.remaining()) {
            throw new InvalidInputException("destination has " + dst.remaining() + " bytes remaining, "
                    + (long) n * dstBytes + " needed for " + n + " elements");
        }
        return n;
    }

    private static ByteBuffer le(ByteBuffer b) {
        // A duplicate so the caller's byte order and position are not disturbed mid-way.
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void advance(ByteBuffer src, int srcBytes, ByteBuffer dst, int dstBytes) {
        src.position(src.position() + srcBytes);
        dst.position(dst.position() + dstBytes);
    }
}
