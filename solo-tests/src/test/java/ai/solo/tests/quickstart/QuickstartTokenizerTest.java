package ai.solo.tests.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.text.SoloTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's embedded tokenizer: no download, spells any text, frequent words are one piece. */
class QuickstartTokenizerTest {
    @TempDir
    Path dir;

    private SoloTokenizer load() throws IOException {
        for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            try (InputStream in = getClass().getResourceAsStream("/ai/solo/examples/quickstart/" + name)) {
                assertThat(in).as(name + " is on the class path").isNotNull();
                Files.copy(in, dir.resolve(name));
            }
        }
        return SoloTokenizer.load(dir);
    }

    @Test
    void frequentWordsAreSinglePiecesAndAnyTextRoundTrips() throws IOException {
        try (SoloTokenizer tok = load()) {
            assertThat(tok.encode("red star")).hasSize(2);
            assertThat(tok.encode("How many shapes are there?")).hasSize(6);
            for (String text : new String[] {"a red star", "What does the text say?", "Kq7Zx", "bar B is 7."}) {
                assertThat(tok.decode(tok.encode(text), true)).isEqualTo(text);
            }
        }
    }

    @Test
    void soloTokensAreAppendedAfterTheSmallVocabulary() throws IOException {
        try (SoloTokenizer tok = load()) {
            assertThat(tok.visionTokens().vision()).isEqualTo(345);
            assertThat(tok.vocabSize()).isEqualTo(345 + 1031);
            assertThat(tok.bosTokenId()).isEqualTo(1);
            assertThat(tok.eosTokenId()).isEqualTo(2);
        }
    }
}
