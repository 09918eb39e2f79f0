package ai.solo.impl.image;

import java.io.IOException;
import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over a byte array that gives up when a
 * reader keeps reading past the end.
 *
 * <p>Some decoders swallow {@link java.io.EOFException} and go on decoding padding bits
 * (TwelveMonkeys' WebP lossless bit reader does), so a truncated or corrupt file whose header
 * claims many pixels decodes for minutes, throwing and catching one exception per byte. After
 * {@link #MAX_READS_PAST_END} attempts to read past the end this stream throws the unchecked
 * {@link ExhaustedException}, which such a catch does not intercept. Well-formed files are read
 * at most a few times past their end.
 *
 * <p>Also avoids the copying of {@code MemoryCacheImageInputStream}. Not thread-safe, like every
 * image stream.
 */
final class ByteArrayImageStream extends ImageInputStreamImpl {

    /** Reads past the end tolerated before giving up. */
    static final int MAX_READS_PAST_END = 1024;

    private final byte[] data;
    private int readsPastEnd;

    /** Thrown when a reader does not stop at the end of the data. */
    static final class ExhaustedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExhaustedException() {
            super("the decoder kept reading past the end of the data (" + MAX_READS_PAST_END + " times)");
        }
    }

    /** @param data the encoded image, not copied */
    ByteArrayImageStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        if (streamPos >= data.length) {
            pastEnd();
            return -1;
        }
        return data[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        Objects.checkFromIndexSize(off, len, b.length);
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            pastEnd();
            return -1;
        }
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    private void pastEnd() {
        if (++readsPastEnd > MAX_READS_PAST_END) {
            throw new ExhaustedException();
        }
    }
}
