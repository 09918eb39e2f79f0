package ai.solo.impl.train.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Opens data files: gzip by name ({@code .gz}), and tells a JSON array from JSONL by content. */
final class DataFiles {
    private static final int GZIP_BUFFER = 1 << 16;
    private static final int[] UTF8_BOM = {0xEF, 0xBB, 0xBF};

    private DataFiles() {
    }

    /**
     * @param file a data file
     * @return whether its name ends in {@code .gz} (any case)
     */
    static boolean isGzip(Path file) {
        return fileName(file).toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /**
     * @param file a data file
     * @return its name in lower case without a {@code .gz} suffix, e.g. {@code text.jsonl}
     */
    static String plainName(Path file) {
        String name = fileName(file).toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    /**
     * @param file the file to read
     * @return its bytes, decompressed if gzipped; unbuffered (readers buffer themselves)
     * @throws IOException if it cannot be opened or is not gzip despite its name
     */
    static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!isGzip(file)) {
            return in;
        }
        try {
            return new GZIPInputStream(in, GZIP_BUFFER);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads up to the first non-whitespace byte (after a UTF-8 byte-order mark).
     *
     * @param file the file to look at
     * @return whether the file holds a JSON array ({@code [} first) rather than JSONL
     * @throws IOException if it cannot be read
     */
    static boolean startsWithJsonArray(Path file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] buf = new byte[8192];
            long offset = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++, offset++) {
                    int b = buf[i] & 0xFF;
                    boolean bom = offset < UTF8_BOM.length && b == UTF8_BOM[(int) offset];
                    if (!bom && b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                        return b == '[';
                    }
                }
            }
            return false;
        }
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        return name == null ? "" : name.toString();
    }
}
