package ai.solo.impl.generate;

import ai.solo.text.SoloTokenizer;
import java.util.List;

/**
 * Turns a growing list of generated ids into text that is safe to show: never half a
 * character (byte-fallback tokens complete a UTF-8 sequence only together), never the start of
 * what may become a stop string, and nothing from a stop string on.
 *
 * <p>The whole output is decoded again at each step rather than token by token, because
 * SentencePiece decoding depends on neighbours (leading spaces, byte sequences).
 */
final class TextTracker {
    private final SoloTokenizer tokenizer;
    private final List<String> stops;
    private final int longestStop;
    private String text = "";
    private int emitted;
    private boolean stopped;

    /**
     * @param tokenizer decodes ids; null when the model has none (text stays empty)
     * @param stops stop strings
     */
    TextTracker(SoloTokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.stops = stops;
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /**
     * @param ids every generated id so far
     * @return text newly safe to show (possibly empty)
     */
    String accept(int[] ids) {
        if (tokenizer == null || stopped) {
            return "";
        }
        text = tokenizer.decode(ids, true);
        int stopAt = findStop();
        if (stopAt >= 0) {
            stopped = true;
            text = text.substring(0, stopAt);
            return release(stopAt);
        }
        int safe = text.length();
        while (safe > emitted && text.charAt(safe - 1) == '\uFFFD') {
            safe--; // an incomplete multi-byte character: wait for its remaining bytes
        }
        return release(safe - heldBack(safe));
    }

    /** @return all text not yet shown, at the end of generation */
    String flush() {
        return release(text.length());
    }

    /** @return whether a stop string was found */
    boolean stopped() {
        return stopped;
    }

    /** @return the output so far, cut before a stop string */
    String text() {
        return text;
    }

    /** @return the part of the output already released to the caller */
    String emittedText() {
        return text.substring(0, emitted);
    }

    private int findStop() {
        int from = Math.max(0, emitted - longestStop + 1);
        int best = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Length of the longest end of {@code text[0, end)} that could still grow into a stop string. */
    private int heldBack(int end) {
        for (int k = Math.min(longestStop - 1, end - emitted); k > 0; k--) {
            String tail = text.substring(end - k, end);
            for (String stop : stops) {
                if (stop.startsWith(tail)) {
                    return k;
                }
            }
        }
        return 0;
    }

    private String release(int upTo) {
        if (upTo > 0 && upTo < text.length() && Character.isHighSurrogate(text.charAt(upTo - 1))) {
            upTo--; // never split a surrogate pair
        }
        if (upTo <= emitted) {
            return "";
        }
        String piece = text.substring(emitted, upTo);
        emitted = upTo;
        return piece;
    }
}
