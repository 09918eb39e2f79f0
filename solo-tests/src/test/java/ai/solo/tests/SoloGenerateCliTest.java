package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.examples.cli.SoloCli;
import ai.solo.text.SoloTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo generate} and {@code solo chat} end to end on a tiny random model carrying
 * Mistral's tokenizer with SOLO's tokens (vocabulary 33,031, {@code <vision>} = 32000).
 */
class SoloGenerateCliTest {
    private static final int VISION = 32000;
    private static final int BOS = 1;
    /** First piece of {@code "[INST]"}: {@code "▁["}. */
    private static final int INST_START = 733;

    @TempDir
    static Path shared;

    private static Path model;
    private static Path image;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void saveTinyModelWithTokenizer() {
        model = shared.resolve("tiny");
        try (SoloModel m = SoloModel.create(tinyConfig(), 1);
                SoloTokenizer tok = SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            m.attachTokenizer(tok);
            m.save(model);
        }
        image = Fixtures.soloTiny().resolve("image.png");
    }

    private static SoloConfig tinyConfig() {
        return SoloConfig.builder().vocabSize(33031).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(1).numAttentionHeads(2).numKeyValueHeads(1).build();
    }

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    private int soloWithInput(String input, String... args) {
        return SoloCli.run(args, new BufferedReader(new StringReader(input)), new PrintWriter(out), new PrintWriter(err));
    }

    private List<String> generate(String... extra) {
        List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--prompt", "What is this?",
                "--max-new-tokens", "6"));
        args.addAll(List.of(extra));
        return args;
    }

    private String run(List<String> args) {
        out.getBuffer().setLength(0);
        int code = solo(args.toArray(String[]::new));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private JsonNode runJson(List<String> args) throws IOException {
        args.addAll(List.of("--output", "json"));
        return new ObjectMapper().readTree(run(args));
    }

    @Test
    void generatePrintsTheAnswerAsOneLineOfText() {
        String printed = run(generate("--image", image.toString()));

        assertThat(printed).endsWith(System.lineSeparator()).isNotBlank();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void jsonOutputHasEveryFieldAndThePromptAsFedToTheModel() throws IOException {
        JsonNode json = runJson(generate("--image", image.toString()));

        assertThat(json.get("text").isTextual()).isTrue();
        assertThat(json.get("finish_reason").asText()).isIn("length", "eos", "stop");
        int[] generated = ints(json.get("token_ids"));
        int[] prompt = ints(json.get("prompt_token_ids"));
        assertThat(generated).isNotEmpty().hasSizeLessThanOrEqualTo(6);
        assertThat(prompt[0]).as("an image comes first and opens with <vision>").isEqualTo(VISION);
        int bos = indexOf(prompt, BOS);
        assertThat(bos).as("<s> follows the image").isPositive();
        assertThat(prompt[bos + 1]).as("[INST] follows <s>").isEqualTo(INST_START);
        JsonNode timings = json.get("timings");
        for (String field : List.of("preprocess_ms", "time_to_first_token_ms", "decode_ms", "total_ms",
                "decode_tokens_per_s", "prompt_tokens", "generated_tokens")) {
            assertThat(timings.get(field)).as(field).isNotNull();
            assertThat(timings.get(field).isNumber()).as(field).isTrue();
        }
        assertThat(timings.get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        assertThat(timings.get("generated_tokens").asInt()).isEqualTo(generated.length);
        assertThat(timings.get("total_ms").asDouble()).isGreaterThanOrEqualTo(timings.get("time_to_first_token_ms").asDouble());
        assertThat(json.get("config").get("max_new_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void textOnlyPromptStartsWithBosThenInst() throws IOException {
        int[] prompt = ints(runJson(generate()).get("prompt_token_ids"));

        assertThat(prompt[0]).isEqualTo(BOS);
        assertThat(prompt[1]).isEqualTo(INST_START);
    }

    @Test
    void greedyDecodingGivesTheSameTextTwice() {
        String first = run(generate("--greedy"));
        String second = run(generate("--greedy"));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void samplingWithTheSameSeedRepeatsAndAnotherSeedDiffers() throws IOException {
        JsonNode first = runJson(generate("--temperature", "1.0", "--seed", "7"));
        JsonNode again = runJson(generate("--temperature", "1.0", "--seed", "7"));
        JsonNode other = runJson(generate("--temperature", "1.0", "--seed", "8"));

        assertThat(first.get("config").get("do_sample").asBoolean()).as("--temperature turns sampling on").isTrue();
        assertThat(again.get("token_ids")).isEqualTo(first.get("token_ids"));
        assertThat(again.get("text")).isEqualTo(first.get("text"));
        assertThat(other.get("token_ids")).isNotEqualTo(first.get("token_ids"));
    }

    @Test
    void greedyOverridesSamplingFlags() throws IOException {
        JsonNode json = runJson(generate("--greedy", "--top-k", "5"));

        assertThat(json.get("config").get("do_sample").asBoolean()).isFalse();
        assertThat(json.get("config").get("top_k").asInt()).isEqualTo(5);
    }

    @Test
    void streamingPrintsTheSameTextAsOneShot() {
        String oneShot = run(generate("--greedy", "--image", image.toString()));
        String streamed = run(generate("--greedy", "--image", image.toString(), "--stream"));

        assertThat(streamed).isEqualTo(oneShot);
    }

    @Test
    void generationConfigJsonIsTheStartingPointAndFlagsWin() throws IOException {
        Path withConfig = dir.resolve("with-config");
        Files.createDirectories(withConfig);
        try (var files = Files.list(model)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, withConfig.resolve(f.getFileName()));
            }
        }
        Files.writeString(withConfig.resolve("generation_config.json"),
                "{\"max_new_tokens\": 3, \"do_sample\": true, \"top_k\": 4, \"seed\": 11}");
        List<String> base = List.of("generate", "--model", withConfig.toString(), "--prompt", "Hi");

        JsonNode fromFile = runJson(new ArrayList<>(base));
        List<String> overridden = new ArrayList<>(base);
        overridden.addAll(List.of("--max-new-tokens", "2", "--greedy"));
        JsonNode fromFlags = runJson(overridden);

        assertThat(fromFile.get("config").get("max_new_tokens").asInt()).isEqualTo(3);
        assertThat(fromFile.get("config").get("do_sample").asBoolean()).isTrue();
        assertThat(fromFile.get("config").get("top_k").asInt()).isEqualTo(4);
        assertThat(fromFile.get("config").get("seed").asLong()).isEqualTo(11);
        assertThat(fromFile.get("token_ids").size()).isLessThanOrEqualTo(3);
        assertThat(fromFlags.get("config").get("max_new_tokens").asInt()).isEqualTo(2);
        assertThat(fromFlags.get("config").get("do_sample").asBoolean()).isFalse();
        assertThat(fromFlags.get("token_ids").size()).isLessThanOrEqualTo(2);
    }

    @Test
    void modelWithoutTokenizerIsOneLineError() {
        Path bare = dir.resolve("bare");
        try (SoloModel m = SoloModel.create(tinyConfig(), 1)) {
            m.save(bare);
        }

        int code = solo("generate", "--model", bare.toString(), "--prompt", "Hi");

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("tokenizer.json").contains(bare.toString());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void invalidTopPIsOneLineErrorNamingTheField() {
        int code = solo(generate("--top-p", "1.5").toArray(String[]::new));

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("topP").contains("1.5");
    }

    @Test
    void missingImageIsOneLineError() {
        int code = solo(generate("--image", dir.resolve("missing.png").toString()).toArray(String[]::new));

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("missing.png");
    }

    @Test
    void streamWithJsonOutputIsAUsageError() {
        int code = solo(generate("--stream", "--output", "json").toArray(String[]::new));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--stream");
    }

    @Test
    void chatAnswersEachMessageWithTheAttachedImage() {
        String input = "/image " + image + "\nWhat is this?\nAnd now?\n/exit\n";

        int code = soloWithInput(input, "chat", "--model", model.toString(), "--max-new-tokens", "4");

        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(answers(out.toString())).hasSize(2);
        assertThat(out.toString()).contains("image.png attached").doesNotContain("\tat ");
    }

    @Test
    void chatReportsAMissingImageAndGoesOn() {
        String input = "/image " + dir.resolve("missing.png") + "\n/bogus\nHello\n";

        int code = soloWithInput(input, "chat", "--model", model.toString(), "--max-new-tokens", "4");

        assertThat(code).isZero();
        List<String> errors = err.toString().lines().toList();
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith("solo: error: ").contains("missing.png");
        assertThat(errors.get(1)).startsWith("solo: error: ").contains("/bogus");
        assertThat(answers(out.toString())).as("the turn after the errors is answered").hasSize(1);
    }

    @Test
    void chatResetClearsTheConversation() {
        int code = soloWithInput("Hello\n/reset\nHello\n/exit\n", "chat", "--model", model.toString(),
                "--max-new-tokens", "4", "--greedy");

        assertThat(code).as(err.toString()).isZero();
        List<String> answers = answers(out.toString());
        assertThat(answers).hasSize(2);
        assertThat(answers.get(1)).as("same question on a fresh conversation, same greedy answer")
                .isEqualTo(answers.get(0));
        assertThat(out.toString()).contains("(conversation cleared)");
    }

    @Test
    void chatWithoutTokenizerIsOneLineError() {
        int code = soloWithInput("Hello\n", "chat", "--model", dir.resolve("nowhere").toString());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("nowhere");
    }

    /** The answers in a chat transcript: lines after the prompt marker that are not notices. */
    private static List<String> answers(String transcript) {
        return transcript.lines()
                .filter(l -> l.startsWith("> ") && l.length() > 2 && !l.startsWith("> ("))
                .map(l -> l.substring(2))
                .toList();
    }

    private org.assertj.core.api.AbstractStringAssert<?> assertOneErrorLine() {
        String e = err.toString();
        assertThat(e.lines().count()).as(e).isEqualTo(1);
        assertThat(e).doesNotContain("\tat ");
        return assertThat(e.trim()).startsWith("solo: error: ");
    }

    private static int[] ints(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    private static int indexOf(int[] ids, int id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }
}
