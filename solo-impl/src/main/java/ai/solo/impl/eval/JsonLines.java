package ai.solo.impl.eval;

import ai.solo.InvalidInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a JSONL file one object at a time, streaming, each line decoded as strict UTF-8 on its
 * own; every problem is reported as {@code file:line: reason}. Blank lines are skipped; a
 * leading byte-order mark and a trailing {@code \r} are dropped. Not thread-safe.
 */
final class JsonLines implements Closeable {
    /** Longest line accepted: a longer one means the file is not JSONL. */
    static final int MAX_LINE_BYTES = 64 << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final InputStream in;
    private byte[] line = new byte[1024];
    private long number;

    /**
     * One parsed line.
     *
     * @param number 1-based line number
     * @param json the parsed value, or null when the line is an object cut short (a torn write)
     */
    record Line(long number, JsonNode json) {
    }

    /**
     * @param file the file
     * @param what what the file holds, for the message when it is missing, e.g. {@code "benchmark"}
     * @throws InvalidInputException if it cannot be opened
     */
    JsonLines(Path file, String what) {
        this.file = file;
        try {
            this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": " + what + " file not found");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read " + what + " file: " + e.getMessage(), e);
        }
    }

    /**
     * @return the next non-blank line, or null at the end of the file
     * @throws InvalidInputException naming {@code file:line} if the line is not UTF-8 or not JSON
     *     (other than an object cut short, returned with a null value)
     */
    Line next() {
        while (true) {
            int length;
            try {
                length = readLine();
            } catch (IOException e) {
                throw new InvalidInputException(file + ": cannot read: " + e.getMessage(), e);
            }
            if (length < 0) {
                return null;
            }
            number++;
            String text = decode(length).strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                return new Line(number, JSON.readTree(text));
            } catch (JsonEOFException e) {
                if (text.startsWith("{")) {
                    return new Line(number, null);
                }
                throw error("not valid JSON (" + e.getOriginalMessage() + ")");
            } catch (JsonProcessingException e) {
                throw error("not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }
    }

    /**
     * @param reason what is wrong with the current line
     * @return an exception naming {@code file:line}
     */
    InvalidInputException error(String reason) {
        return new InvalidInputException(file + ":" + number + ": " + reason);
    }

    /** @return the current line's short origin, {@code name:line} */
    String origin() {
        return file + ":" + number;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot close: " + e.getMessage(), e);
        }
    }

    /** @return bytes of the next line in {@link #line}, or -1 at the end */
    private int readLine() throws IOException {
        int n = 0;
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        while (b >= 0 && b != '\n') {
            if (n == line.length) {
                if (n >= MAX_LINE_BYTES) {
                    throw new InvalidInputException(file + ":" + (number + 1) + ": line longer than "
                            + (MAX_LINE_BYTES >> 20) + " MiB; is this a JSONL file?");
                }
                line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, 2 * n));
            }
            line[n++] = (byte) b;
            b = in.read();
        }
        return n;
    }

    private String decode(int length) {
        int start = number == 1 && length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                && (line[2] & 0xFF) == 0xBF ? 3 : 0;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, start, length - start)).toString();
        } catch (CharacterCodingException e) {
            throw error("line is not valid UTF-8");
        }
    }

    /**
     * @param node any node, or null
     * @return its JSON type in words, for messages
     */
    static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
