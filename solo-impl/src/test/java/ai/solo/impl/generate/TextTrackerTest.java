package ai.solo.impl.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.impl.SharedTestData;
import ai.solo.impl.text.HfSoloTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming text with the real Mistral tokenizer: byte-fallback characters and stop strings. */
class TextTrackerTest {
    private static HfSoloTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = HfSoloTokenizer.load(SharedTestData.mistralTokenizer());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** What a generation run shows: one piece per token, then the flush at the end (unless stopped). */
    private record Run(List<String> pieces, String flushed, TextTracker tracker) {
        String shown() {
            return String.join("", pieces) + flushed;
        }
    }

    private static Run feed(int[] ids, List<String> stops) {
        TextTracker tracker = new TextTracker(tokenizer, stops);
        List<String> pieces = new ArrayList<>();
        for (int n = 1; n <= ids.length && !tracker.stopped(); n++) {
            pieces.add(tracker.accept(ids, n));
        }
        String flushed = tracker.stopped() ? "" : tracker.flush(ids, ids.length);
        return new Run(pieces, flushed, tracker);
    }

    @Test
    void emojiOutsideTheVocabularyIsEncodedAsByteFallbackTokens() {
        int[] ids = tokenizer.encode("🦙");

        // "▁" then the four UTF-8 bytes F0 9F A6 99 as <0xF0>.. pieces (id = 3 + byte value);
        // Mistral has a piece for some emoji (😀 is one token), not for this one
        assertThat(ids).containsExactly(28705, 0xF0 + 3, 0x9F + 3, 0xA6 + 3, 0x99 + 3);
        assertThat(tokenizer.decode(new int[] {0xF0 + 3, 0x9F + 3}, true)).contains("\uFFFD");
    }

    @Test
    void byteFallbackCharactersAreNeverShownHalfDone() {
        String text = "Hi 🦙 there, ça va? Ⓐ ꙮ 中文 ok 🤖🤖";
        int[] ids = tokenizer.encode(text);

        Run run = feed(ids, List.of());

        assertThat(run.pieces()).allSatisfy(piece -> assertThat(piece).doesNotContain("\uFFFD"));
        assertThat(run.shown()).isEqualTo(tokenizer.decode(ids, true)).isEqualTo(text);
        assertThat(run.tracker().text()).isEqualTo(text);
    }

    @Test
    void eachPieceEndsOnACharacterBoundary() {
        int[] ids = tokenizer.encode("🦙🦙 x 🤖");

        Run run = feed(ids, List.of());

        for (String piece : run.pieces()) {
            if (!piece.isEmpty()) {
                assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as(piece).isFalse();
                assertThat(Character.isLowSurrogate(piece.charAt(0))).as(piece).isFalse();
            }
        }
        assertThat(run.pieces()).filteredOn(String::isEmpty).isNotEmpty(); // bytes waited for the rest
        assertThat(run.shown()).isEqualTo("🦙🦙 x 🤖");
    }

    @Test
    void piecesConcatenateToTheFullDecodeForPlainText() {
        int[] ids = tokenizer.encode("The quick brown fox jumps over the lazy dog.");

        Run run = feed(ids, List.of());

        assertThat(String.join("", run.pieces())).isEqualTo("The quick brown fox jumps over the lazy dog.");
        assertThat(run.flushed()).isEmpty();
    }

    @Test
    void stopStringSplitAcrossTokensIsDetectedAndExcluded() {
        int[] ids = tokenizer.encode("Hello world, how are you");
        assertThat(ids.length).isGreaterThan(3); // "o w" spans the tokens of "Hello" and " world"

        Run run = feed(ids, List.of("o w"));

        assertThat(run.tracker().stopped()).isTrue();
        assertThat(run.tracker().text()).isEqualTo("Hell");
        assertThat(run.shown()).isEqualTo("Hell");
        assertThat(run.pieces()).hasSize(2); // stopped at the token that completed the stop string
    }

    @Test
    void stopStringInsideOneTokenIsExcluded() {
        int[] ids = tokenizer.encode("Hello world");

        Run run = feed(ids, List.of("ell"));

        assertThat(run.tracker().stopped()).isTrue();
        assertThat(run.shown()).isEqualTo("H");
        assertThat(run.pieces()).hasSize(1);
    }

    @Test
    void stopStringAtTheVeryStartLeavesNoText() {
        Run run = feed(tokenizer.encode("Hello world"), List.of("Hello"));

        assertThat(run.tracker().stopped()).isTrue();
        assertThat(run.tracker().text()).isEmpty();
        assertThat(run.shown()).isEmpty();
    }

    @Test
    void earliestOfSeveralStopStringsWins() {
        Run run = feed(tokenizer.encode("one two three four"), List.of("four", "two", "three"));

        assertThat(run.tracker().text()).isEqualTo("one ");
    }

    @Test
    void stopStringMadeOfByteFallbackCharactersIsMatched() {
        Run run = feed(tokenizer.encode("smile 🦙 please"), List.of("🦙"));

        assertThat(run.tracker().stopped()).isTrue();
        assertThat(run.shown()).isEqualTo("smile ");
        assertThat(run.pieces()).allSatisfy(piece -> assertThat(piece).doesNotContain("\uFFFD"));
    }

    @Test
    void textThatMightStartAStopStringIsHeldBackThenReleased() {
        int[] ids = tokenizer.encode("Hello world today");
        int worldToken = 2; // "▁Hello", "▁world", "▁today"
        assertThat(tokenizer.decode(Arrays.copyOf(ids, worldToken), true)).isEqualTo("Hello world");

        Run run = feed(ids, List.of("world peace"));

        assertThat(run.tracker().stopped()).isFalse();
        assertThat(String.join("", run.pieces().subList(0, worldToken))).isEqualTo("Hello ");
        assertThat(run.pieces().get(worldToken)).isEqualTo("world today");
        assertThat(run.shown()).isEqualTo("Hello world today");
    }

    @Test
    void heldBackTextIsReleasedByFlushAtTheEnd() {
        Run run = feed(tokenizer.encode("Hello world"), List.of("world peace"));

        assertThat(String.join("", run.pieces())).isEqualTo("Hello ");
        assertThat(run.flushed()).isEqualTo("world");
        assertThat(run.tracker().text()).isEqualTo("Hello world");
    }

    @Test
    void heldBackTextThatBecomesAStopStringIsNeverShown() {
        Run run = feed(tokenizer.encode("Hello world peace and more"), List.of("world peace"));

        assertThat(run.tracker().stopped()).isTrue();
        assertThat(run.shown()).isEqualTo("Hello ");
        assertThat(run.tracker().text()).isEqualTo("Hello ");
    }

    @Test
    void specialTokensAreNotShown() {
        int[] ids = tokenizer.encode("Hi there");
        int[] withSpecial = Arrays.copyOf(ids, ids.length + 2);
        withSpecial[ids.length] = 32000; // <vision>
        withSpecial[ids.length + 1] = tokenizer.eosTokenId();

        Run run = feed(withSpecial, List.of());

        assertThat(run.shown()).isEqualTo("Hi there");
    }

    @Test
    void withoutTokenizerTextStaysEmpty() {
        TextTracker tracker = new TextTracker(null, List.of("x"));

        assertThat(tracker.accept(new int[] {5, 6, 7}, 3)).isEmpty();
        assertThat(tracker.flush(new int[] {5, 6, 7}, 3)).isEmpty();
        assertThat(tracker.text()).isEmpty();
        assertThat(tracker.stopped()).isFalse();
    }
}
