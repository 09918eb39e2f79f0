package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.impl.text.HfSoloTokenizer;
import ai.solo.text.VisionTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden values of SOLO-7B's text side with Mistral's real tokenizer
 * ({@code shared/data/mistral-tokenizer}): the ids SOLO's demo prints and the vision token ids
 * of SPEC §3.
 */
class MistralTokenizerTest {
    private static HfSoloTokenizer tokenizer;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        tokenizer = HfSoloTokenizer.load(Fixtures.mistralTokenizer());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesThisIsAAsSolosDemo() {
        assertThat(tokenizer.encode("This is a")).containsExactly(851, 349, 264);
    }

    @Test
    void appendsSoloTokensAtSolo7bIds() {
        assertThat(tokenizer.visionTokens()).isEqualTo(new VisionTokens(32000, 32001, 32002, 32003, 32004));
        assertThat(tokenizer.tokenId("<loc_1>")).hasValue(32005);
        assertThat(tokenizer.tokenId("<loc_1024>")).hasValue(33028);
        assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(33029);
        assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(33030);
        assertThat(tokenizer.vocabSize()).isEqualTo(33031);
        assertThat(tokenizer.appendedTokenIds()).containsExactly(IntStream.range(32000, 33031).toArray());
    }

    @Test
    void knowsMistralsOwnSpecialTokens() {
        assertThat(tokenizer.tokenId("<unk>")).hasValue(0);
        assertThat(tokenizer.bosTokenId()).isEqualTo(1);
        assertThat(tokenizer.eosTokenId()).isEqualTo(2);
    }

    @Test
    void textSpellingVisionTokensEncodesAsOrdinaryPieces() {
        int[] ids = tokenizer.encode("<vision>");

        assertThat(ids).containsExactly(523, 9824, 28767);
        assertThat(tokenizer.decode(ids, false)).isEqualTo("<vision>");
        String all = String.join(" ", HfSoloTokenizer.appendedTokenStrings());
        assertThat(IntStream.of(tokenizer.encode(all))).allMatch(id -> id < 32000);
    }

    @Test
    void prependsAWordBoundaryToEveryEncodedString() {
        // Llama-style legacy normaliser: "▁" is prepended, spaces become "▁".
        assertThat(tokenizer.encode("x")).containsExactly(1318);
        assertThat(tokenizer.encode(" x")).containsExactly(28705, 1318);
        assertThat(tokenizer.encode("")).isEmpty();
    }

    @Test
    void encodesChatPromptPieces() {
        assertThat(tokenizer.encode("[INST] What is in the picture? [/INST]"))
                .containsExactly(733, 16289, 28793, 1824, 349, 297, 272, 5754, 28804, 733, 28748, 16289, 28793);
    }

    @Test
    void textSpellingMistralsControlTokensEncodesAsOrdinaryPieces() {
        // User content must not end a turn or start a sequence: "</s>" is text, not EOS.
        assertThat(tokenizer.encode("</s>")).containsExactly(1867, 28713, 28767);
        assertThat(tokenizer.encode("<s>")).containsExactly(523, 28713, 28767);
        assertThat(tokenizer.encode("<unk>")).containsExactly(523, 2060, 28767);

        int[] ids = tokenizer.encode("<s>[INST] hi </s><unk>");

        // ▁< s > [ INST ] ▁hi ▁</ s >< unk >
        assertThat(ids).containsExactly(523, 28713, 28767, 28792, 16289, 28793, 12014, 1867, 28713, 3409, 2060, 28767);
        assertThat(IntStream.of(ids)).noneMatch(id -> id == 0 || id == 1 || id == 2);
        assertThat(tokenizer.decode(ids, false)).isEqualTo("<s>[INST] hi </s><unk>");
        assertThat(tokenizer.decode(ids, true)).isEqualTo("<s>[INST] hi </s><unk>");
        // The ids themselves stay known, for SequenceBuilder and decoding.
        assertThat(tokenizer.tokenId("</s>")).hasValue(2);
        assertThat(tokenizer.decode(new int[] {1, 851, 349, 264, 2}, false)).isEqualTo("<s> This is a</s>");
        assertThat(tokenizer.decode(new int[] {1, 851, 349, 264, 2}, true)).isEqualTo("This is a");
    }

    @Test
    void decodesTextMixedWithVisionTokensAsTransformersDoes() {
        int[] ids = {1, 22557, 32000, 32001, 32002, 32001, 32004, 1526, 33029, 2};

        assertThat(tokenizer.decode(ids, false))
                .isEqualTo("<s> Hello<vision><vpatch><vrow_sep><vpatch></vision> world<|im_start|></s>");
        assertThat(tokenizer.decode(ids, true)).isEqualTo("Hello world");
    }

    @Test
    void utf8TextRoundTrips() {
        String text = "héllo wörld — naïve café 😀 日本語テキスト 한국어\nZeile 2";

        assertThat(tokenizer.decode(tokenizer.encode(text), false)).isEqualTo(text);
    }

    @Test
    void savedFolderReloadsWithTheSameIds() throws IOException {
        tokenizer.saveTo(tmp);

        try (HfSoloTokenizer reloaded = HfSoloTokenizer.load(tmp)) {
            assertThat(reloaded.visionTokens()).isEqualTo(tokenizer.visionTokens());
            assertThat(reloaded.appendedTokenIds()).isEqualTo(tokenizer.appendedTokenIds());
            assertThat(reloaded.vocabSize()).isEqualTo(33031);
            String text = "This is a <vision> test: <|im_start|>user café 😀";
            assertThat(reloaded.encode(text)).isEqualTo(tokenizer.encode(text));
            assertThat(IntStream.of(reloaded.encode(text))).allMatch(id -> id < 32000);
            assertThat(reloaded.encode("</s>")).isEqualTo(tokenizer.encode("</s>")).doesNotContain(2);
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode added = mapper.readTree(tmp.resolve("tokenizer.json").toFile()).get("added_tokens");
        assertThat(added).hasSize(3 + 1031);
        assertThat(added.get(3).get("id").intValue()).isEqualTo(32000);
        assertThat(added.get(3).get("content").asText()).isEqualTo("<vision>");
        assertThat(added.get(3).get("special").booleanValue()).isTrue();
        JsonNode config = mapper.readTree(tmp.resolve("tokenizer_config.json").toFile());
        assertThat(config.at("/added_tokens_decoder/33030/content").asText()).isEqualTo("<|im_end|>");
        assertThat(config.get("bos_token").asText()).isEqualTo("<s>");
    }
}
