package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines of a UTF-8 stream one at a time, decoding each line strictly on its own so that a
 * bad byte sequence spoils only its line (a malformed record) rather than the rest of the file,
 * as a {@code BufferedReader} would. Lines end at {@code \n}; a trailing {@code \r} and a leading
 * byte-order mark are dropped. Not thread-safe.
 */
final class Utf8Lines implements Closeable {
    /** Longest line accepted; a longer one means the file is not line-oriented text. */
    static final int MAX_LINE_BYTES = 256 << 20;

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final String fileName;
    private final byte[] buf = new byte[1 << 16];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[1024];
    private int lineLength;
    private long number;

    /**
     * One line.
     *
     * @param number 1-based line number
     * @param text the line without its terminator, or null if it is not valid UTF-8
     * @param problem why the line could not be decoded, or null
     */
    record Line(long number, String text, String problem) {
    }

    /**
     * @param in the bytes to read; closed by {@link #close()}
     * @param fileName the file, for error messages
     */
    Utf8Lines(InputStream in, String fileName) {
        this.in = in;
        this.fileName = fileName;
    }

    /**
     * @return the next line, or null at the end of the stream
     * @throws IOException if the stream cannot be read
     */
    Line next() throws IOException {
        lineLength = 0;
        boolean terminated = false;
        while (!terminated) {
            if (pos >= limit) {
                if (eof) {
                    break;
                }
                int n = in.read(buf);
                if (n < 0) {
                    eof = true;
                    break;
                }
                pos = 0;
                limit = n;
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            append(end - pos);
            terminated = end < limit;
            pos = terminated ? end + 1 : end;
        }
        if (!terminated && lineLength == 0) {
            return null;
        }
        number++;
        int start = number == 1 && startsWithBom() ? UTF8_BOM.length : 0;
        int length = lineLength;
        if (length > start && line[length - 1] == '\r') {
            length--;
        }
        return decode(start, length);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private Line decode(int start, int end) {
        ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
        CharBuffer out = CharBuffer.allocate(end - start); // UTF-8 never has fewer bytes than UTF-16 units
        decoder.reset();
        CoderResult result = decoder.decode(bytes, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = bytes.position();
            return new Line(number, null, String.format("line is not valid UTF-8 (byte 0x%02X at byte %d of the line)",
                    line[at] & 0xFF, at - start + 1));
        }
        return new Line(number, out.flip().toString(), null);
    }

    private void append(int count) {
        if ((long) lineLength + count > MAX_LINE_BYTES) {
            throw new InvalidInputException(fileName + ":" + (number + 1) + ": line longer than "
                    + (MAX_LINE_BYTES >> 20) + " MiB; is this a line-oriented text file?");
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(MAX_LINE_BYTES, Math.max(2L * line.length, lineLength + count)));
        }
        System.arraycopy(buf, pos, line, lineLength, count);
        lineLength += count;
    }

    private boolean startsWithBom() {
        return lineLength >= UTF8_BOM.length
                && line[0] == UTF8_BOM[0] && line[1] == UTF8_BOM[1] && line[2] == UTF8_BOM[2];
    }
}
