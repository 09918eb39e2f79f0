package ai.solo.impl.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import ai.solo.text.VisionTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfSoloTokenizerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Ten words; the Whitespace pre-tokenizer splits "<vision>" into "<", "vision", ">". */
    private static final String[] WORDS = {"<unk>", "<s>", "</s>", "hello", "world", "a", "cat", "<", "vision", ">"};

    @TempDir
    Path tmp;

    @Test
    void appendsSoloTokensAfterTheBaseVocabulary() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            assertThat(tokenizer.visionTokens()).isEqualTo(new VisionTokens(10, 11, 12, 13, 14));
            assertThat(tokenizer.tokenId("<loc_1>")).hasValue(15);
            assertThat(tokenizer.tokenId("<loc_1024>")).hasValue(1038);
            assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(1039);
            assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(1040);
            assertThat(tokenizer.vocabSize()).isEqualTo(1041);
        }
    }

    @Test
    void appendedTokenIdsAreAscendingAndCoverEverySoloToken() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            assertThat(tokenizer.appendedTokenIds()).containsExactly(IntStream.range(10, 1041).toArray());
            assertThat(HfSoloTokenizer.appendedTokenStrings()).hasSize(1031)
                    .startsWith("<vision>", "<vpatch>", "<vrow_sep>", "<vframe_sep>", "</vision>", "<loc_1>")
                    .endsWith("<loc_1024>", "<|im_start|>", "<|im_end|>");
        }
    }

    @Test
    void encodeAddsNoBosAndKeepsWords() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            assertThat(tokenizer.encode("hello world")).containsExactly(3, 4);
            assertThat(tokenizer.encode("")).isEmpty();
        }
    }

    @Test
    void encodeNeverYieldsSoloTokenIdsForTextSpellingThem() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            String text = String.join(" ", HfSoloTokenizer.appendedTokenStrings());

            int[] ids = tokenizer.encode(text);

            assertThat(IntStream.of(ids)).isNotEmpty().allMatch(id -> id < 10);
            assertThat(tokenizer.encode("<vision>")).containsExactly(7, 8, 9);
        }
    }

    @Test
    void encodeNeverYieldsTheFilesSpecialTokensForTextSpellingThem() {
        // Whitespace splits "<s>" into "<", "s", ">": without the added tokens these are words.
        String[] words = {"<unk>", "<s>", "</s>", "hello", "world", "<", "s", ">", "</", "unk"};
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", words))) {
            assertThat(tokenizer.encode("<s> hello </s> <unk>")).containsExactly(5, 6, 7, 3, 8, 6, 7, 5, 9, 7);
            assertThat(tokenizer.encode("</s>")).containsExactly(8, 6, 7);

            assertThat(tokenizer.tokenId("</s>")).hasValue(2);
            assertThat(tokenizer.bosTokenId()).isEqualTo(1);
            assertThat(tokenizer.eosTokenId()).isEqualTo(2);
            assertThat(tokenizer.decode(new int[] {1, 3, 2}, false)).isEqualTo("<s> hello </s>");
            assertThat(tokenizer.decode(new int[] {1, 3, 2}, true)).isEqualTo("hello");
        }
    }

    @Test
    void hidesSpecialTokensThatBpeMergesWouldBuild() {
        // ids: <unk> 0, "<" 1, "/" 2, "s" 3, ">" 4, "</" 5, "</s" 6, "</s>" 7 (also a special added token)
        String json = withAddedTokens(bpeSpelling("</s>"), Map.of("</s>", 7));
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(json)) {
            assertThat(tokenizer.tokenId("</s>")).hasValue(7);
            assertThat(tokenizer.eosTokenId()).isEqualTo(7);
            assertThat(tokenizer.visionTokens().vision()).isEqualTo(8);

            int[] ids = tokenizer.encode("</s>");

            assertThat(ids).containsExactly(6, 4);
            assertThat(tokenizer.decode(ids, false)).isEqualTo("</s>");
            assertThat(tokenizer.decode(new int[] {7}, false)).isEqualTo("</s>");
        }
    }

    @Test
    void keepsNonSpecialAddedTokensButHidesAnyTheConfigCallsSpecial() throws IOException {
        ObjectNode root = (ObjectNode) readTree(wordLevel("Whitespace", WORDS));
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(10, "[TOOL]").put("special", false));
        added.add(addedToken(11, "[CALL]").put("special", false));
        added.add(addedToken(12, "[CTRL]"));
        Path dir = folder("nonspecial", root.toString(), "{\"additional_special_tokens\": [\"[CALL]\"]}");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(dir)) {
            assertThat(tokenizer.visionTokens().vision()).isEqualTo(13);

            assertThat(tokenizer.encode("hello [TOOL] world")).containsExactly(3, 10, 4);
            assertThat(IntStream.of(tokenizer.encode("hello [CALL] [CTRL] world"))).noneMatch(id -> id >= 10);
            assertThat(tokenizer.tokenId("[CALL]")).hasValue(11);
            assertThat(tokenizer.tokenId("[CTRL]")).hasValue(12);
        }
    }

    @Test
    void addedTokensAfterHiddenOnesKeepTheirIds() {
        // The tokenizers library numbers added tokens absent from model.vocab in order from the
        // vocabulary size: hiding "<vision>" and "[CTRL]" before "[TOOL]" must not renumber it.
        ObjectNode root = (ObjectNode) readTree(wordLevel("Whitespace", WORDS));
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(10, "<vision>"));
        added.add(addedToken(11, "[CTRL]"));
        added.add(addedToken(12, "[TOOL]").put("special", false));
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(root.toString())) {
            assertThat(tokenizer.visionTokens().vpatch()).isEqualTo(13);

            assertThat(tokenizer.encode("hello [TOOL] world [TOOL]")).containsExactly(3, 12, 4, 12);
            assertThat(tokenizer.decode(new int[] {3, 12, 11, 10}, false)).isEqualTo("hello [TOOL] [CTRL] <vision>");
        }
    }

    @Test
    void unigramKeepsTheIdsOfAddedTokensAfterHiddenOnes() {
        String[] pieces = {"<unk>", "<s>", "</s>", "hello", "world", "[", "]", "C", "T", "R", "L", "O"};
        ObjectNode root = (ObjectNode) readTree(wordLevel("Whitespace", pieces));
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", 0);
        ArrayNode vocab = model.putArray("vocab");
        for (int i = 0; i < pieces.length; i++) {
            vocab.addArray().add(pieces[i]).add(i < 3 ? 0.0 : -1.0 - i);
        }
        model.put("byte_fallback", false);
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(12, "[CTRL]"));
        added.add(addedToken(13, "[TOOL]").put("special", false));
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(root.toString())) {
            assertThat(tokenizer.visionTokens().vision()).isEqualTo(14);

            assertThat(tokenizer.encode("hello [TOOL] world")).containsExactly(3, 13, 4);
            assertThat(tokenizer.encode("[CTRL]")).containsExactly(5, 7, 8, 9, 10, 6);
        }
    }

    @Test
    void hidesTheBosAndEosTokensOfTheConfigEvenWhenNotMarkedSpecial() throws IOException {
        ObjectNode root = (ObjectNode) readTree(wordLevel("WhitespaceSplit", WORDS));
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(10, "<bos>").put("special", false));
        Path dir = folder("bos", root.toString(), "{\"bos_token\": \"<bos>\"}");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(dir)) {
            assertThat(tokenizer.bosTokenId()).isEqualTo(10);
            assertThat(tokenizer.encode("hello <bos>")).containsExactly(3, 0);
        }
    }

    @Test
    void hidesSoloTokensThatAreWordsOfTheModelVocabulary() {
        // WhitespaceSplit keeps "<vision>" whole, so only removing it from the vocabulary keeps it out.
        String[] words = {"<unk>", "<s>", "</s>", "hello", "world", "a", "cat", "<", "vision", "<vision>"};
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("WhitespaceSplit", words))) {
            assertThat(tokenizer.tokenId("<vision>")).hasValue(9);
            assertThat(tokenizer.visionTokens().vpatch()).isEqualTo(10);
            assertThat(tokenizer.vocabSize()).isEqualTo(1040);

            assertThat(tokenizer.encode("hello <vision>")).containsExactly(3, 0);
            assertThat(tokenizer.decode(new int[] {3, 9}, false)).isEqualTo("hello <vision>");
        }
    }

    @Test
    void hidesSoloTokensThatBpeMergesWouldBuild() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(bpeSpellingVision())) {
            assertThat(tokenizer.tokenId("<vision>")).hasValue(14);
            assertThat(tokenizer.vocabSize()).isEqualTo(15 + 1030);

            int[] ids = tokenizer.encode("<vision>");

            assertThat(ids).containsExactly(13, 7);
            assertThat(tokenizer.decode(ids, false)).isEqualTo("<vision>");
        }
    }

    @Test
    void rejectsTokenIdsOutsideTheSupportedRange() throws IOException {
        String hugeAdded = withAddedTokens(wordLevel("Whitespace", WORDS), Map.of("<big>", Integer.MAX_VALUE - 1));
        assertThatThrownBy(() -> HfSoloTokenizer.fromJson(hugeAdded))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tokenizer JSON")
                .hasMessageContaining("\"<big>\"")
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE - 1));

        String atLimit = withAddedTokens(wordLevel("Whitespace", WORDS), Map.of("<edge>", 1 << 24));
        assertThatThrownBy(() -> HfSoloTokenizer.fromJson(atLimit))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("\"<edge>\"")
                .hasMessageContaining("16777216");

        ObjectNode negative = (ObjectNode) readTree(wordLevel("Whitespace", WORDS));
        ((ObjectNode) negative.at("/model/vocab")).put("cat", -6);
        assertThatThrownBy(() -> HfSoloTokenizer.fromJson(negative.toString()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.vocab")
                .hasMessageContaining("\"cat\"")
                .hasMessageContaining("-6");

        ObjectNode tooLong = (ObjectNode) readTree(wordLevel("Whitespace", WORDS));
        ((ObjectNode) tooLong.at("/model/vocab")).put("cat", 1L << 40);
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, tooLong.toString());
        assertThatThrownBy(() -> HfSoloTokenizer.load(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("\"cat\"")
                .hasMessageContaining(Long.toString(1L << 40));
    }

    @Test
    void acceptsTheLargestSupportedId() throws IOException {
        int largest = (1 << 24) - 1;
        String json = withAddedTokens(wordLevel("Whitespace", WORDS), Map.of("<last>", largest));
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(json)) {
            assertThat(tokenizer.visionTokens().vision()).isEqualTo(largest + 1);
            assertThat(tokenizer.vocabSize()).isEqualTo(largest + 1 + 1031);
        }
    }

    @Test
    void rejectsOversizedFilesBeforeReadingThem() throws IOException {
        Path big = Files.createDirectories(tmp.resolve("big"));
        Path json = big.resolve("tokenizer.json");
        sparseFile(json, HfSoloTokenizer.MAX_TOKENIZER_BYTES + 1L);
        assertThatThrownBy(() -> HfSoloTokenizer.load(big))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(json.toString())
                .hasMessageContaining("512 MiB");

        Path dir = folder("bigconfig", wordLevel("Whitespace", WORDS), "{}");
        Path config = dir.resolve("tokenizer_config.json");
        sparseFile(config, HfSoloTokenizer.MAX_CONFIG_BYTES + 1L);
        assertThatThrownBy(() -> HfSoloTokenizer.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("16 MiB");
    }

    @Test
    void keepsTheIdsOfSoloTokensAlreadyInTheFile() throws IOException {
        List<String> solo = HfSoloTokenizer.appendedTokenStrings();
        Map<String, Integer> present = new LinkedHashMap<>();
        for (int i = 0; i < solo.size(); i++) {
            present.put(solo.get(i), 20 + i);
        }
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(withAddedTokens(wordLevel("Whitespace", WORDS), present))) {
            assertThat(tokenizer.visionTokens()).isEqualTo(new VisionTokens(20, 21, 22, 23, 24));
            assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(1050);
            assertThat(tokenizer.vocabSize()).isEqualTo(1051);
            assertThat(IntStream.of(tokenizer.encode("<vision> hello"))).allMatch(id -> id < 10);
        }
    }

    @Test
    void appendsOnlyMissingSoloTokensAfterTheLargestIdInUse() throws IOException {
        Map<String, Integer> present = Map.of("<vision>", 10, "<|im_end|>", 50);
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(withAddedTokens(wordLevel("Whitespace", WORDS), present))) {
            assertThat(tokenizer.visionTokens()).isEqualTo(new VisionTokens(10, 51, 52, 53, 54));
            assertThat(tokenizer.tokenId("<loc_1>")).hasValue(55);
            assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(1079);
            assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(50);
            assertThat(tokenizer.vocabSize()).isEqualTo(1080);
            assertThat(tokenizer.appendedTokenIds()).hasSize(1031).isSorted().startsWith(10, 50, 51);
        }
    }

    @Test
    void rejectsASoloTokenWhoseIdBelongsToAnotherToken() throws IOException {
        String json = withAddedTokens(wordLevel("Whitespace", WORDS), Map.of("<vpatch>", 3));

        assertThatThrownBy(() -> HfSoloTokenizer.fromJson(json))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("<vpatch>")
                .hasMessageContaining("3");
    }

    @Test
    void decodeRendersSoloTokensAsTheirStringsOrDropsThem() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            int[] ids = {1, 3, 10, 11, 12, 11, 14, 4, 1039, 2};

            assertThat(tokenizer.decode(ids, false))
                    .isEqualTo("<s> hello <vision> <vpatch> <vrow_sep> <vpatch> </vision> world <|im_start|> </s>");
            assertThat(tokenizer.decode(ids, true)).isEqualTo("hello world");
        }
    }

    @Test
    void decodeNamesAnIdOutsideTheVocabularyAndItsPosition() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            assertThatThrownBy(() -> tokenizer.decode(new int[] {3, 4, 1041}, false))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("1041")
                    .hasMessageContaining("position 2");
            assertThatThrownBy(() -> tokenizer.decode(new int[] {-1}, false))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("-1")
                    .hasMessageContaining("position 0");
        }
    }

    @Test
    void tokenIdFindsBaseAndSoloTokens() {
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            assertThat(tokenizer.tokenId("<unk>")).hasValue(0);
            assertThat(tokenizer.tokenId("</s>")).hasValue(2);
            assertThat(tokenizer.tokenId("cat")).hasValue(6);
            assertThat(tokenizer.tokenId("</vision>")).hasValue(14);
            assertThat(tokenizer.tokenId("dog")).isEmpty();
            assertThat(tokenizer.bosTokenId()).isEqualTo(1);
            assertThat(tokenizer.eosTokenId()).isEqualTo(2);
        }
    }

    @Test
    void bosAndEosComeFromTokenizerConfig() throws IOException {
        Path dir = folder("config", wordLevel("Whitespace", WORDS),
                "{\"bos_token\": {\"content\": \"hello\", \"special\": true}, \"eos_token\": \"world\"}");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(dir)) {
            assertThat(tokenizer.bosTokenId()).isEqualTo(3);
            assertThat(tokenizer.eosTokenId()).isEqualTo(4);
        }
    }

    @Test
    void bosTokenMissingFromTheVocabularyIsNamed() throws IOException {
        Path dir = folder("nobos", wordLevel("Whitespace", WORDS), "{\"bos_token\": \"<bos>\"}");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(dir)) {
            assertThatThrownBy(tokenizer::bosTokenId)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("<bos>");
            assertThat(tokenizer.eosTokenId()).isEqualTo(2);
        }
    }

    @Test
    void saveToThenLoadGivesTheSameIdsAndEncoding() throws IOException {
        Path source = folder("source", wordLevel("Whitespace", WORDS),
                "{\"bos_token\": \"<s>\", \"added_tokens_decoder\": {\"0\": {\"content\": \"<unk>\", \"special\": true}}}");
        Path saved = tmp.resolve("saved");
        try (HfSoloTokenizer original = HfSoloTokenizer.load(source)) {
            original.saveTo(saved);

            try (HfSoloTokenizer reloaded = HfSoloTokenizer.load(saved)) {
                assertThat(reloaded.visionTokens()).isEqualTo(original.visionTokens());
                assertThat(reloaded.appendedTokenIds()).isEqualTo(original.appendedTokenIds());
                assertThat(reloaded.vocabSize()).isEqualTo(original.vocabSize());
                String text = "hello <vision> a cat <|im_start|> world";
                assertThat(reloaded.encode(text)).isEqualTo(original.encode(text));
                assertThat(IntStream.of(reloaded.encode(text))).allMatch(id -> id < 10);
                int[] ids = {3, 10, 11, 14, 4};
                assertThat(reloaded.decode(ids, false)).isEqualTo(original.decode(ids, false));
            }
        }
        try (Stream<Path> files = Files.list(saved)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tokenizer.json", "tokenizer_config.json");
        }
    }

    @Test
    void savedFilesListSoloTokensAsSpecialAddedTokens() throws IOException {
        Path source = folder("source", wordLevel("Whitespace", WORDS),
                "{\"added_tokens_decoder\": {\"0\": {\"content\": \"<unk>\", \"special\": true}}}");
        Path saved = tmp.resolve("saved");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(source)) {
            tokenizer.saveTo(saved);
        }

        JsonNode json = MAPPER.readTree(saved.resolve("tokenizer.json").toFile());
        JsonNode added = json.get("added_tokens");
        assertThat(added).hasSize(3 + 1031);
        JsonNode vision = added.get(3);
        assertThat(vision.get("id").intValue()).isEqualTo(10);
        assertThat(vision.get("content").asText()).isEqualTo("<vision>");
        assertThat(vision.get("special").booleanValue()).isTrue();
        assertThat(added.get(3 + 1030).get("content").asText()).isEqualTo("<|im_end|>");
        assertThat(json.at("/model/vocab/hello").intValue()).isEqualTo(3);
        JsonNode decoder = MAPPER.readTree(saved.resolve("tokenizer_config.json").toFile()).get("added_tokens_decoder");
        assertThat(decoder.get("10").get("content").asText()).isEqualTo("<vision>");
        assertThat(decoder.get("1040").get("special").booleanValue()).isTrue();
    }

    @Test
    void saveToReplacesEarlierFilesAndWritesNoConfigWhenNoneWasLoaded() throws IOException {
        Path saved = tmp.resolve("saved");
        Files.createDirectories(saved);
        Files.writeString(saved.resolve("tokenizer.json"), "old");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            tokenizer.saveTo(saved);
            tokenizer.saveTo(saved);
        }

        try (Stream<Path> files = Files.list(saved)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tokenizer.json");
        }
        try (HfSoloTokenizer reloaded = HfSoloTokenizer.load(saved.resolve("tokenizer.json"))) {
            assertThat(reloaded.vocabSize()).isEqualTo(1041);
        }
    }

    @Test
    void missingFileIsNamed() {
        Path missing = tmp.resolve("nowhere").resolve("tokenizer.json");

        assertThatThrownBy(() -> HfSoloTokenizer.load(missing))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> HfSoloTokenizer.load(tmp))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(tmp.resolve("tokenizer.json").toString());
    }

    @Test
    void fileThatIsNotJsonIsNamed() throws IOException {
        Path file = tmp.resolve("broken.json");
        Files.writeString(file, "{ this is not json");

        assertThatThrownBy(() -> HfSoloTokenizer.load(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void jsonWithoutModelIsNamed() throws IOException {
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, "{\"version\": \"1.0\", \"added_tokens\": []}");

        assertThatThrownBy(() -> HfSoloTokenizer.load(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("\"model\"");
    }

    @Test
    void brokenTokenizerConfigIsNamed() throws IOException {
        Path dir = folder("badconfig", wordLevel("Whitespace", WORDS), "[1, 2");

        assertThatThrownBy(() -> HfSoloTokenizer.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(dir.resolve("tokenizer_config.json").toString());
    }

    @Test
    void modelTheNativeLibraryRejectsIsACheckpointError() throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(wordLevel("Whitespace", WORDS));
        ((ObjectNode) root.get("model")).put("type", "NoSuchModel");

        assertThatThrownBy(() -> HfSoloTokenizer.fromJson(MAPPER.writeValueAsString(root)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tokenizer JSON");
    }

    @Test
    void closeIsIdempotentAndLaterUseFailsClearly() throws IOException {
        Path dir = folder("closed", wordLevel("Whitespace", WORDS), "{}");
        HfSoloTokenizer tokenizer = HfSoloTokenizer.load(dir);
        tokenizer.close();
        tokenizer.close();

        String file = dir.resolve("tokenizer.json").toString();
        assertThatThrownBy(() -> tokenizer.encode("hello"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {3}, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file);
        assertThat(tokenizer.visionTokens().vision()).isEqualTo(10);
        assertThat(tokenizer.tokenId("</s>")).hasValue(2);

        Path saved = tmp.resolve("afterclose");
        tokenizer.saveTo(saved);
        try (HfSoloTokenizer reloaded = HfSoloTokenizer.load(saved)) {
            assertThat(reloaded.encode("hello world")).containsExactly(3, 4);
        }
    }

    @Test
    void encodesAndDecodesFromManyThreadsAtOnce() throws Exception {
        String text = "hello world a cat <vision> hello";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            int[] expected = tokenizer.encode(text);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        int[] ids = tokenizer.encode(text);
                        if (!java.util.Arrays.equals(ids, expected)
                                || !tokenizer.decode(ids, false).equals("hello world a cat < vision > hello")) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A WordLevel tokenizer whose ids are the positions in {@code words}; the first three are special. */
    static String wordLevel(String preTokenizer, String... words) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < 3; i++) {
            added.add(addedToken(i, words[i]));
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", preTokenizer);
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < words.length; i++) {
            vocab.put(words[i], i);
        }
        model.put("unk_token", "<unk>");
        return root.toString();
    }

    /** A BPE whose merges spell {@code <vision>} from its characters, ids 0..14. */
    private static String bpeSpellingVision() {
        return bpeSpelling("<vision>");
    }

    /**
     * A BPE whose merges spell {@code word} left to right from its (distinct) characters: id 0
     * {@code <unk>}, then the characters, then the prefixes of two or more characters, the
     * whole word last.
     */
    private static String bpeSpelling(String word) {
        List<String> pieces = new ArrayList<>(List.of("<unk>"));
        word.chars().distinct().forEach(c -> pieces.add(Character.toString(c)));
        int firstPrefix = pieces.size();
        for (int end = 2; end <= word.length(); end++) {
            pieces.add(word.substring(0, end));
        }
        ObjectNode root = (ObjectNode) readTree(wordLevel("WhitespaceSplit", pieces.toArray(String[]::new)));
        root.set("added_tokens", MAPPER.createArrayNode().add(addedToken(0, "<unk>")));
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = (ObjectNode) root.get("model");
        model.put("type", "BPE");
        ArrayNode merges = model.putArray("merges");
        for (int i = firstPrefix; i < pieces.size(); i++) {
            String left = i == firstPrefix ? word.substring(0, 1) : pieces.get(i - 1);
            merges.add(left + " " + pieces.get(i).substring(left.length()));
        }
        return root.toString();
    }

    private static void sparseFile(Path file, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private static String withAddedTokens(String json, Map<String, Integer> tokens) {
        ObjectNode root = (ObjectNode) readTree(json);
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        tokens.forEach((content, id) -> added.add(addedToken(id, content)));
        return root.toString();
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode token = MAPPER.createObjectNode();
        token.put("id", id);
        token.put("content", content);
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", true);
        return token;
    }

    private static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path folder(String name, String tokenizerJson, String configJson) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.write(dir.resolve("tokenizer.json"), tokenizerJson.getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("tokenizer_config.json"), configJson.getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    @org.junit.jupiter.api.Test
    void unpairedSurrogatesBecomeOneReplacementCharacterEach() {
        assertThat(HfSoloTokenizer.withoutUnpairedSurrogates("a\uD800b\uDC00c\uDBFF")).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
        assertThat(HfSoloTokenizer.withoutUnpairedSurrogates("pair \uD83D\uDE00 \uDC00\uD800"))
                .isEqualTo("pair \uD83D\uDE00 \uFFFD\uFFFD");
        String clean = "no surrogates at all";
        assertThat(HfSoloTokenizer.withoutUnpairedSurrogates(clean)).isSameAs(clean);
    }
}
