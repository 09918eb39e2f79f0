package ai.solo.impl.image;

/**
 * Looks at a JPEG's markers, without decoding, to tell whether the JDK's built-in reader can
 * decode it: Huffman-coded (baseline, extended or progressive) with one or three components.
 *
 * <p>Those are most JPEGs, and the JDK reader decodes them about a third faster than
 * TwelveMonkeys' reader (which wraps it) with identical pixels. CMYK, YCCK, arithmetic-coded and
 * lossless JPEGs, and anything this scan cannot make sense of, go to TwelveMonkeys.
 */
final class JpegProbe {

    private JpegProbe() {
    }

    /**
     * @param b bytes starting with a JPEG SOI marker
     * @return true if the frame header is SOF0, SOF1 or SOF2 with 1 or 3 components
     */
    static boolean isPlainHuffmanJpeg(byte[] b) {
        int i = 2; // after SOI
        while (i + 4 <= b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return false;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            i += 2;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // stand-alone markers carry no length
            }
            int length = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            if (isStartOfFrame(marker)) {
                if (i + 8 > b.length) {
                    return false;
                }
                int components = b[i + 7] & 0xFF;
                return marker <= 0xC2 && (components == 1 || components == 3);
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) {
                return false; // scan or end before any frame header
            }
            i += length;
        }
        return false;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
