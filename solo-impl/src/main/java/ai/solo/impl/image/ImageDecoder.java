package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads encoded images (JPEG, PNG, BMP, GIF, WebP) from bytes and files with the
 * ImageIO readers on the class path, refusing anything that is not a whole, reasonably sized
 * image. TwelveMonkeys adds WebP and CMYK/YCCK JPEG; plain JPEGs go to the JDK's faster reader
 * first (see {@link JpegProbe}), and to TwelveMonkeys' if the JDK's cannot read them.
 *
 * <p>Hostile input is met before pixels are allocated: the encoded size is checked first, the
 * format is recognised from its signature (so lenient readers such as WBMP never guess), and
 * the width and height claimed by the header are checked against the pixel limit before
 * decoding (decompression bombs). Truncated files are refused: readers either throw or, for
 * JPEG, decode a partial image and warn, and such warnings are turned into errors instead of
 * gray pixels. Harmless warnings (for instance a missing CMYK colour profile) are only logged.
 * Readers that keep reading past the end of the data are stopped ({@link ByteArrayImageStream}).
 *
 * <p>Immutable and thread-safe; every call uses its own reader.
 */
final class ImageDecoder {

    private static final Logger logger = LoggerFactory.getLogger(ImageDecoder.class);

    /** Signatures of the formats SOLO accepts; the name is an ImageIO format name. */
    enum Format {
        JPEG("jpeg", "JPEG"),
        PNG("png", "PNG"),
        GIF("gif", "GIF"),
        BMP("bmp", "BMP"),
        WEBP("webp", "WebP");

        private final String imageIoName;
        private final String displayName;

        Format(String imageIoName, String displayName) {
            this.imageIoName = imageIoName;
            this.displayName = displayName;
        }

        static Format detect(byte[] b) {
            if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
                return JPEG;
            }
            if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
                return PNG;
            }
            if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length >= 6 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
                return GIF;
            }
            if (startsWith(b, 0, 'B', 'M')) {
                return BMP;
            }
            if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
                return WEBP;
            }
            return null;
        }

        private static boolean startsWith(byte[] b, int offset, int... signature) {
            if (b.length < offset + signature.length) {
                return false;
            }
            for (int i = 0; i < signature.length; i++) {
                if ((b[offset + i] & 0xFF) != signature[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** JDK/libjpeg and TwelveMonkeys wordings of "the data ended before the image did". */
    private static final Pattern TRUNCATION = Pattern.compile(
            "truncat|premature end|missing eoi|end of (file|stream|data)|unexpected end|\\beof\\b",
            Pattern.CASE_INSENSITIVE);

    /** Where the JDK's own ImageIO readers live. */
    private static final String JDK_READER_PACKAGE = "com.sun.imageio.plugins.";

    private final long maxPixels;
    private final long maxEncodedBytes;

    /**
     * @param maxPixels largest {@code width * height} a header may claim
     * @param maxEncodedBytes largest encoded image accepted
     */
    ImageDecoder(long maxPixels, long maxEncodedBytes) {
        this.maxPixels = maxPixels;
        this.maxEncodedBytes = maxEncodedBytes;
    }

    /**
     * @param file an image file
     * @return its bytes, after checking that it exists, is not empty and not too large
     * @throws InvalidInputException naming the file
     */
    byte[] readFile(Path file) {
        if (file == null) {
            throw new InvalidInputException("image file must not be null");
        }
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException("image file " + file + " is a directory");
            }
            long size = Files.size(file);
            if (size == 0) {
                throw new InvalidInputException("image file " + file + " is empty");
            }
            if (size > maxEncodedBytes) {
                throw new InvalidInputException("image file " + file + " has " + size
                        + " bytes, more than the limit of " + maxEncodedBytes + " (maxEncodedBytes)");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("image file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read image file " + file + ": " + e, e);
        }
    }

    /**
     * Decodes the first image of {@code encoded}.
     *
     * @param encoded encoded image bytes
     * @param source what the bytes are, for messages (a file name, "data URL", "image bytes")
     * @return the decoded image, as the reader produced it
     * @throws InvalidInputException if the bytes are not a whole supported image within limits
     */
    BufferedImage decode(byte[] encoded, String source) {
        if (encoded == null) {
            throw new InvalidInputException(source + " must not be null");
        }
        if (encoded.length == 0) {
            throw new InvalidInputException(source + " is empty (0 bytes)");
        }
        if (encoded.length > maxEncodedBytes) {
            throw new InvalidInputException(source + " has " + encoded.length + " bytes, more than the limit of "
                    + maxEncodedBytes + " (maxEncodedBytes)");
        }
        Format format = Format.detect(encoded);
        if (format == null) {
            throw new InvalidInputException(source + " is not a JPEG, PNG, BMP, GIF or WebP image (starts with "
                    + hex(encoded, 12) + ")");
        }
        if (format == Format.WEBP) {
            checkRiffSize(encoded, source);
        }
        List<ImageReader> readers = readers(format, encoded, source);
        try {
            for (int i = 0; ; i++) {
                try {
                    return read(readers.get(i), encoded, format, source);
                } catch (ReaderFailure e) {
                    if (i == readers.size() - 1) {
                        throw e.error;
                    }
                    logger.debug("{}: {} failed, trying the next reader: {}", source,
                            readers.get(i).getClass().getName(), e.error.getMessage());
                }
            }
        } finally {
            readers.forEach(ImageReader::dispose);
        }
    }

    /** A reader could not decode the image; another reader may still be able to. */
    private static final class ReaderFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final InvalidInputException error;

        ReaderFailure(InvalidInputException error) {
            super(error.getMessage(), error, false, false);
            this.error = error;
        }
    }

    private BufferedImage read(ImageReader reader, byte[] encoded, Format format, String source) throws ReaderFailure {
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (r, warning) -> warnings.add(warning);
        try (ImageInputStream in = new ByteArrayImageStream(encoded)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkSize(width, height, format, source);
            BufferedImage image = reader.read(0);
            for (String warning : warnings) {
                if (isTruncation(warning)) {
                    throw new InvalidInputException(source + " is a truncated or corrupt " + format.displayName
                            + " image: " + warning);
                }
                logger.debug("{}: {} reader warning: {}", source, format.displayName, warning);
            }
            return image;
        } catch (InvalidInputException e) {
            throw e;
        } catch (ByteArrayImageStream.ExhaustedException e) {
            throw new InvalidInputException(source + " is a truncated or corrupt " + format.displayName + " image: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            // Readers signal truncation with EOFException or IIOException, and buggy inputs with
            // assorted runtime exceptions (array bounds, negative sizes, colour profiles).
            throw new ReaderFailure(new InvalidInputException(source + " is not a readable " + format.displayName
                    + " image: " + describe(e), e));
        }
    }

    /**
     * TwelveMonkeys' WebP reader pads a short lossless bitstream with zeros instead of failing,
     * so truncation is detected from the RIFF header, which states the file's length.
     */
    private static void checkRiffSize(byte[] encoded, String source) {
        long riffSize = (encoded[4] & 0xFFL) | (encoded[5] & 0xFFL) << 8 | (encoded[6] & 0xFFL) << 16
                | (encoded[7] & 0xFFL) << 24;
        if (riffSize + 8 > encoded.length) {
            throw new InvalidInputException(source + " is a truncated WebP image: the RIFF header announces "
                    + (riffSize + 8) + " bytes, only " + encoded.length + " are present");
        }
    }

    private void checkSize(int width, int height, Format format, String source) {
        if (width < 1 || height < 1) {
            throw new InvalidInputException(source + ": " + format.displayName + " header claims an empty image "
                    + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new InvalidInputException(source + ": " + format.displayName + " header claims " + width + "x"
                    + height + " = " + pixels + " pixels, more than the limit of " + maxPixels + " (maxPixels)");
        }
    }

    /**
     * The readers to try in turn. ImageIO orders providers so that TwelveMonkeys' JPEG reader
     * comes first; for plain JPEGs the JDK's reader, which it wraps, is faster and is tried first.
     */
    private static List<ImageReader> readers(Format format, byte[] encoded, String source) {
        List<ImageReader> readers = new ArrayList<>();
        ImageIO.getImageReadersByFormatName(format.imageIoName).forEachRemaining(readers::add);
        if (readers.isEmpty()) {
            throw new InvalidInputException(source + " is a " + format.displayName
                    + " image, but no ImageIO reader for it is on the class path");
        }
        List<ImageReader> chosen = new ArrayList<>(2);
        if (format == Format.JPEG && JpegProbe.isPlainHuffmanJpeg(encoded)) {
            readers.stream().filter(r -> r.getClass().getName().startsWith(JDK_READER_PACKAGE)).findFirst()
                    .ifPresent(chosen::add);
        }
        if (chosen.isEmpty() || chosen.get(0) != readers.get(0)) {
            chosen.add(readers.get(0));
        }
        for (ImageReader unused : readers) {
            if (!chosen.contains(unused)) {
                unused.dispose();
            }
        }
        return chosen;
    }

    /** Warnings that mean pixels are missing, as opposed to metadata or colour-profile notes. */
    private static boolean isTruncation(String warning) {
        return warning != null && TRUNCATION.matcher(warning).find();
    }

    /** The exception with its causes: readers often wrap the telling EOFException. */
    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 4; depth++, c = c.getCause()) {
            sb.append(", caused by ").append(c);
        }
        return sb.toString();
    }

    private static String hex(byte[] b, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }
}
