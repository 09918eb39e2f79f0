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
    void writeToThenLoadGivesTheSameIdsAndEncoding() throws IOException {
        Path source = folder("source", wordLevel("Whitespace", WORDS),
                "{\"bos_token\": \"<s>\", \"added_tokens_decoder\": {\"0\": {\"content\": \"<unk>\", \"special\": true}}}");
        Path saved = tmp.resolve("saved");
        try (HfSoloTokenizer original = HfSoloTokenizer.load(source)) {
            original.writeTo(saved);

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
            tokenizer.writeTo(saved);
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
    void writeToReplacesEarlierFilesAndWritesNoConfigWhenNoneWasLoaded() throws IOException {
        Path saved = tmp.resolve("saved");
        Files.createDirectories(saved);
        Files.writeString(saved.resolve("tokenizer.json"), "old");
        try (HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS))) {
            tokenizer.writeTo(saved);
            tokenizer.writeTo(saved);
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
    void closeIsIdempotentAndLaterUseFailsClearly() {
        HfSoloTokenizer tokenizer = HfSoloTokenizer.fromJson(wordLevel("Whitespace", WORDS));
        tokenizer.close();
        tokenizer.close();

        assertThatThrownBy(() -> tokenizer.encode("hello")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tokenizer.decode(new int[] {3}, false)).isInstanceOf(IllegalStateException.class);
        assertThat(tokenizer.visionTokens().vision()).isEqualTo(10);
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
        String[] pieces = {"<unk>", "<", "v", "i", "s", "o", "n", ">", "<v", "<vi", "<vis", "<visi", "<visio", "<vision", "<vision>"};
        ObjectNode root = (ObjectNode) readTree(wordLevel("WhitespaceSplit", pieces));
        root.set("added_tokens", MAPPER.createArrayNode().add(addedToken(0, "<unk>")));
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = (ObjectNode) root.get("model");
        model.put("type", "BPE");
        ArrayNode merges = model.putArray("merges");
        for (int i = 8; i < pieces.length; i++) {
            String left = i == 8 ? "<" : pieces[i - 1];
            merges.add(left + " " + pieces[i].substring(left.length()));
        }
        return root.toString();
    }

    private static String withAddedTokens(String json, Map<String, Integer> tokens) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(json);
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
}
