package ai.solo.impl.generate;

import ai.solo.text.SoloTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a growing list of generated ids into text that is safe to show: never half a
 * character (byte-fallback tokens complete a UTF-8 sequence only together), never the start of
 * what may become a stop string, and nothing from a stop string on.
 *
 * <p>Decoding is incremental, as text-generation-inference does it: SentencePiece output
 * depends on neighbours (leading spaces, byte sequences), so each step decodes the few tokens
 * since the last complete piece twice, without and with the new token, and keeps the difference
 * once it no longer ends in an incomplete character. The cost per step stays constant however
 * long the output grows.
 */
final class TextTracker {
    private final SoloTokenizer tokenizer;
    private final List<String> stops;
    private final int longestStop;
    private String text = "";
    private int emitted;
    private int prefixOffset; // first token of the window decoded for context
    private int readOffset; // tokens before this are already part of text
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
     * @param ids every generated id so far, in {@code ids[0, count)}
     * @param count number of generated ids
     * @return text newly safe to show (possibly empty)
     */
    String accept(int[] ids, int count) {
        if (tokenizer == null || stopped) {
            return "";
        }
        takeWindow(ids, count, false);
        int stopAt = findStop();
        if (stopAt >= 0) {
            stopped = true;
            text = text.substring(0, stopAt);
            return release(stopAt);
        }
        return release(text.length() - heldBack(text.length()));
    }

    /**
     * Takes in tokens still waiting (an incomplete character at the very end) and releases all
     * text not yet shown, at the end of generation.
     *
     * @param ids every generated id, in {@code ids[0, count)}
     * @param count number of generated ids
     * @return the rest of the text
     */
    String flush(int[] ids, int count) {
        if (tokenizer != null && !stopped && readOffset < count) {
            takeWindow(ids, count, true);
        }
        return release(text.length());
    }

    /**
     * Decodes the tokens since the last complete piece without and with the new ones and appends
     * the difference to the text, unless it still ends in an incomplete character; at the end of
     * generation ({@code last}) whatever is there is taken.
     */
    private void takeWindow(int[] ids, int count, boolean last) {
        String before = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset), true);
        String after = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, count), true);
        boolean grew = after.length() > before.length();
        if (grew && (last || !after.endsWith("\uFFFD"))) {
            text += after.substring(before.length());
            prefixOffset = readOffset;
            readOffset = count;
        } else if (last) {
            readOffset = count;
        }
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
