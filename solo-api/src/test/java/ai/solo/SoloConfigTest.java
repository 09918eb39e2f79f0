package ai.solo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SoloConfigTest {

    private static SoloConfig.Builder tiny() {
        return SoloConfig.builder().vocabSize(1031).hiddenSize(64).intermediateSize(176)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2);
    }

    @Test
    void derivesHeadDimFromHiddenSizeAndHeads() {
        assertThat(tiny().build().headDim()).isEqualTo(16);
        assertThat(tiny().headDim(32).build().headDim()).isEqualTo(32);
    }

    @Test
    void solo7BHasMistralShapeAndSevenBillionParameters() {
        SoloConfig c = SoloConfig.solo7B();

        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.patchDim()).isEqualTo(3 * 32 * 32);
        // Mistral-7B is 7.24e9 parameters; SOLO adds 1031 token rows twice and the patch projection
        assertThat(c.parameterCount()).isEqualTo(7_241_732_096L + 2L * 1031 * 4096 + 3072L * 4096);
    }

    @Test
    void rejectsKeyValueHeadsThatDoNotDivideHeads() {
        assertThatThrownBy(() -> tiny().numKeyValueHeads(3).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("num_key_value_heads");
    }

    @Test
    void rejectsAbsurdLayerCountBeforeAnyAllocation() {
        assertThatThrownBy(() -> tiny().numHiddenLayers(1_000_000_000).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("num_hidden_layers");
    }

    @Test
    void rejectsOddHeadDimAndUnknownActivation() {
        assertThatThrownBy(() -> tiny().headDim(15).build()).hasMessageContaining("head_dim");
        assertThatThrownBy(() -> tiny().hiddenAct("gelu").build()).hasMessageContaining("hidden_act");
        assertThatThrownBy(() -> tiny().eosTokenId(5000).build()).hasMessageContaining("eos_token_id");
    }

    @Test
    void toBuilderRoundTripsEveryFieldIncludingExtras() {
        SoloConfig c = tiny().slidingWindow(null).padTokenId(0).extra("transformers_version", "4.40.0").build();

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.slidingWindow()).isEmpty();
        assertThat(c.extra()).containsEntry("transformers_version", "4.40.0");
    }
}
