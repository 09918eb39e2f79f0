package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads encoded images (JPEG, PNG, BMP, GIF, WebP) from bytes, files and data URLs with the
 * ImageIO readers on the class path (TwelveMonkeys adds WebP and CMYK/YCCK JPEG), refusing
 * anything that is not a whole, reasonably sized image.
 *
 * <p>Hostile input is met before pixels are allocated: the encoded size is checked first, the
 * format is recognised from its signature (so lenient readers such as WBMP never guess), and
 * the width and height claimed by the header are checked against the pixel limit before
 * decoding (decompression bombs). Truncated files are refused: readers either throw or, for
 * JPEG, decode a partial image and warn, and such warnings are turned into errors instead of
 * gray pixels. Harmless warnings (for instance a missing CMYK colour profile) are only logged.
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
     * @param dataUrl {@code data:image/<type>[;params];base64,<payload>}
     * @return the decoded payload
     * @throws InvalidInputException if the URL is not a base64 image data URL or is too large
     */
    byte[] readDataUrl(String dataUrl) {
        if (dataUrl == null) {
            throw new InvalidInputException("data URL must not be null");
        }
        int comma = dataUrl.indexOf(',');
        String header = comma < 0 ? "" : dataUrl.substring(0, comma).toLowerCase(Locale.ROOT);
        if (!header.startsWith("data:image/") || !header.endsWith(";base64")) {
            throw new InvalidInputException("not a base64 image data URL (expected data:image/...;base64,...): "
                    + abbreviate(dataUrl));
        }
        long payloadChars = dataUrl.length() - comma - 1L;
        if (payloadChars / 4 * 3 > maxEncodedBytes) {
            throw new InvalidInputException("data URL holds about " + payloadChars / 4 * 3
                    + " bytes, more than the limit of " + maxEncodedBytes + " (maxEncodedBytes)");
        }
        String payload = dataUrl.substring(comma + 1);
        try {
            // Line breaks and spaces are common in pasted or wrapped data URLs; anything else
            // outside the alphabet is an error rather than silently skipped.
            String clean = stripWhitespace(payload);
            Base64.Decoder decoder = clean.indexOf('-') >= 0 || clean.indexOf('_') >= 0
                    ? Base64.getUrlDecoder() : Base64.getDecoder();
            return decoder.decode(clean.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("data URL payload is not valid base64: " + e.getMessage(), e);
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
        ImageReader reader = reader(format, source);
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
            throw new InvalidInputException(source + " is not a readable " + format.displayName + " image: "
                    + describe(e), e);
        } finally {
            reader.dispose();
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

    private static ImageReader reader(Format format, String source) {
        // ImageIO orders providers: TwelveMonkeys' JPEG reader comes before the JDK's.
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        if (!readers.hasNext()) {
            throw new InvalidInputException(source + " is a " + format.displayName
                    + " image, but no ImageIO reader for it is on the class path");
        }
        return readers.next();
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

    private static String stripWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                StringBuilder sb = new StringBuilder(s.length());
                for (int j = 0; j < s.length(); j++) {
                    char c = s.charAt(j);
                    if (!Character.isWhitespace(c)) {
                        sb.append(c);
                    }
                }
                return sb.toString();
            }
        }
        return s;
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

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...' (" + s.length() + " chars)";
    }
}
