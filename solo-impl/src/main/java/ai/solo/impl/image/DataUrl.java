package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Extracts the image bytes of a {@code data:image/<type>[;params];base64,<payload>} URL, the
 * form images take in OpenAI-style chat messages and SOLO's pre-training JSONL.
 */
final class DataUrl {

    private DataUrl() {
    }

    /**
     * @param dataUrl the URL
     * @param maxEncodedBytes largest payload accepted, checked before decoding
     * @return the decoded payload
     * @throws InvalidInputException if the URL is not a base64 image data URL or is too large
     */
    static byte[] decode(String dataUrl, long maxEncodedBytes) {
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
        // Line breaks and spaces are common in pasted or wrapped data URLs; any other character
        // outside the alphabet is an error rather than silently skipped.
        String payload = stripWhitespace(dataUrl.substring(comma + 1));
        Base64.Decoder decoder = payload.indexOf('-') >= 0 || payload.indexOf('_') >= 0
                ? Base64.getUrlDecoder() : Base64.getDecoder();
        try {
            return decoder.decode(payload.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("data URL payload is not valid base64: " + e.getMessage(), e);
        }
    }

    private static String stripWhitespace(String s) {
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (!Character.isWhitespace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "...' (" + s.length() + " chars)";
    }
}
