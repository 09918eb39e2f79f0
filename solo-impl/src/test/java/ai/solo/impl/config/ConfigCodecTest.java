package ai.solo.impl.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.SoloConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCodecTest {
    @TempDir
    Path dir;

    private static final String TINY = """
            {"vocab_size": 1031, "hidden_size": 64, "intermediate_size": 176, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
             "sliding_window": null, "vision_patch_size": 32, "max_position_embeddings": 4096,
             "architectures": ["SoloForCausalLM"], "model_type": "mistral", "hidden_act": "silu",
             "bos_token_id": 1, "eos_token_id": 2, "tie_word_embeddings": false, "initializer_range": 0.02,
             "attention_dropout": 0.0, "torch_dtype": "float32", "transformers_version": "4.40.1",
             "rope_scaling": {"type": "none", "factor": 1.0}}
            """;

    private Path write(String json) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsMistralFieldsAndKeepsUnknownOnes() throws Exception {
        SoloConfig c = ConfigCodec.read(write(TINY));

        assertThat(c.vocabSize()).isEqualTo(1031);
        assertThat(c.numKeyValueHeads()).isEqualTo(2);
        assertThat(c.slidingWindow()).isEmpty();
        assertThat(c.extra()).containsKeys("attention_dropout", "transformers_version", "rope_scaling");
    }

    @Test
    void roundTripLosesNothing() throws Exception {
        SoloConfig c = ConfigCodec.read(write(TINY));
        Path out = dir.resolve("out.json");

        ConfigCodec.write(c, out);

        assertThat(ConfigCodec.read(out)).isEqualTo(c);
        Map<?, ?> json = new ObjectMapper().readValue(out.toFile(), Map.class);
        assertThat(json.get("rope_scaling")).isEqualTo(Map.of("type", "none", "factor", 1.0));
        assertThat(json.get("sliding_window")).isNull();
        assertThat(json.containsKey("sliding_window")).isTrue();
    }

    @Test
    void missingFieldNamesFileAndField() throws Exception {
        Path f = write(TINY.replace("\"intermediate_size\": 176,", ""));

        assertThatThrownBy(() -> ConfigCodec.read(f))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("intermediate_size");
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        Path f = write(TINY.replace("\"hidden_size\": 64", "\"hidden_size\": \"64\""));

        assertThatThrownBy(() -> ConfigCodec.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("hidden_size must be an integer");
    }

    @Test
    void absurdLayerCountFailsBeforeAnyAllocation() throws Exception {
        Path f = write(TINY.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000000"));

        assertThatThrownBy(() -> ConfigCodec.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("num_hidden_layers");
    }

    @Test
    void notJsonAndMissingFileAreCheckpointErrors() throws Exception {
        Path f = write("{not json");
        assertThatThrownBy(() -> ConfigCodec.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(f.toString());
        assertThatThrownBy(() -> ConfigCodec.read(dir.resolve("nope.json"))).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void eosTokenListKeepsEveryIdAndRoundTrips() throws Exception {
        SoloConfig c = ConfigCodec.read(write(TINY.replace("\"eos_token_id\": 2", "\"eos_token_id\": [2, 7]")));
        Path out = dir.resolve("out.json");
        ConfigCodec.write(c, out);

        assertThat(c.eosTokenId()).isEqualTo(2);
        assertThat(c.eosTokenIds()).containsExactly(2, 7);
        assertThat(new ObjectMapper().readTree(out.toFile()).get("eos_token_id").toString()).isEqualTo("[2,7]");
    }

    @Test
    void absentKeysTakeTheReferenceSoloConfigDefaults() throws Exception {
        String minimal = "{\"vocab_size\": 1031, \"hidden_size\": 64, \"intermediate_size\": 176,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 8}";

        SoloConfig c = ConfigCodec.read(write(minimal));

        assertThat(c.numKeyValueHeads()).isEqualTo(8);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(131072);
        assertThat(c.slidingWindow()).hasValue(4096);
        assertThat(ConfigCodec.read(write(minimal.replace("}", ", \"num_key_value_heads\": null}"))).numKeyValueHeads())
                .isEqualTo(8);
    }

    @Test
    void extraCannotShadowAConfigField() {
        assertThatThrownBy(() -> SoloConfig.builder().extra("hidden_size", 7))
                .isInstanceOf(ai.solo.InvalidInputException.class).hasMessageContaining("hidden_size");
    }
}
