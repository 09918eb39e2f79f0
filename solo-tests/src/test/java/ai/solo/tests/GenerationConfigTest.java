package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.generate.GenerationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding options: defaults, copies and Hugging Face's {@code generation_config.json}. */
class GenerationConfigTest {
    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("generation_config.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void greedyDefaultsSuppressSoloTokensAndAskFor256Tokens() {
        GenerationConfig c = GenerationConfig.greedy();

        assertThat(c.doSample()).isFalse();
        assertThat(c.maxNewTokens()).isEqualTo(256);
        assertThat(c.suppressSoloTokens()).isTrue();
        assertThat(c.suppressTokenIds()).isEmpty();
        assertThat(c.stopTokenIds()).isEmpty();
        assertThat(c.stopStrings()).isEmpty();
        assertThat(c.returnLogprobs()).isFalse();
        assertThat(c.repetitionPenalty()).isEqualTo(1.0);
        assertThat(c.topP()).isEqualTo(1.0);
        assertThat(c.minP()).isZero();
    }

    @Test
    void toBuilderCopiesEveryOption() {
        GenerationConfig c = GenerationConfig.builder().maxNewTokens(9).doSample(true).temperature(0.7).topK(5)
                .topP(0.9).minP(0.05).repetitionPenalty(1.2).seed(42).stopTokenIds(java.util.Set.of(7, 8))
                .stopStrings(List.of("\n\n")).suppressSoloTokens(false).suppressTokenIds(java.util.Set.of(3))
                .returnLogprobs(true).build();

        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
        assertThat(c.toBuilder().seed(1).build().seed()).hasValue(1);
        assertThat(c.seed()).hasValue(42);
    }

    @Test
    void readsTheFieldsOfAHuggingFaceGenerationConfig() throws IOException {
        Path file = write("""
                {"_from_model_config": true, "bos_token_id": 1, "transformers_version": "4.36.2",
                 "max_new_tokens": 128, "do_sample": true, "temperature": 0.6, "top_k": 20, "top_p": 0.95,
                 "min_p": 0.02, "repetition_penalty": 1.1, "seed": 9, "eos_token_id": [2, 32768],
                 "suppress_tokens": [5, 6], "stop_strings": ["###"], "unknown_future_key": {"x": [1]}}
                """);

        GenerationConfig c = GenerationConfig.read(file);

        assertThat(c.maxNewTokens()).isEqualTo(128);
        assertThat(c.doSample()).isTrue();
        assertThat(c.temperature()).isEqualTo(0.6);
        assertThat(c.topK()).isEqualTo(20);
        assertThat(c.topP()).isEqualTo(0.95);
        assertThat(c.minP()).isEqualTo(0.02);
        assertThat(c.repetitionPenalty()).isEqualTo(1.1);
        assertThat(c.seed()).hasValue(9);
        assertThat(c.stopTokenIds()).containsExactly(2, 32768);
        assertThat(c.suppressTokenIds()).containsExactly(5, 6);
        assertThat(c.stopStrings()).containsExactly("###");
    }

    @Test
    void singleEosTokenIdAndMissingFieldsKeepTheDefaults() throws IOException {
        GenerationConfig c = GenerationConfig.read(write("{\"eos_token_id\": 2, \"top_k\": null}"));

        assertThat(c.stopTokenIds()).containsExactly(2);
        assertThat(c.topK()).isEqualTo(GenerationConfig.greedy().topK());
        assertThat(c.maxNewTokens()).isEqualTo(256);
        assertThat(c.doSample()).isFalse();
    }

    @Test
    void fieldOfTheWrongTypeIsACheckpointErrorNamingFileAndField() throws IOException {
        String[][] cases = {
            {"{\"max_new_tokens\": \"many\"}", "max_new_tokens"},
            {"{\"max_new_tokens\": 1.5}", "max_new_tokens"},
            {"{\"do_sample\": \"yes\"}", "do_sample"},
            {"{\"temperature\": \"hot\"}", "temperature"},
            {"{\"top_k\": [1]}", "top_k"},
            {"{\"top_p\": true}", "top_p"},
            {"{\"eos_token_id\": [2, \"x\"]}", "eos_token_id"},
            {"{\"stop_strings\": [1]}", "stop_strings"},
        };
        for (String[] c : cases) {
            Path file = write(c[0]);

            assertThatThrownBy(() -> GenerationConfig.read(file)).as(c[0]).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining(c[1]);
        }
    }

    @Test
    void valueOutOfRangeIsACheckpointErrorNamingTheFileAndOption() throws IOException {
        Path file = write("{\"top_p\": 1.5}");

        assertThatThrownBy(() -> GenerationConfig.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("topP");
    }

    @Test
    void missingOrMalformedFileIsACheckpointErrorNamingIt() throws IOException {
        Path missing = dir.resolve("absent.json");
        Path notJson = write("{ max_new_tokens: ");
        Path array = dir.resolve("array.json");
        Files.writeString(array, "[1, 2]");

        assertThatThrownBy(() -> GenerationConfig.read(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("absent.json");
        assertThatThrownBy(() -> GenerationConfig.read(notJson)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(notJson.toString());
        assertThatThrownBy(() -> GenerationConfig.read(array)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("array.json");
    }
}
