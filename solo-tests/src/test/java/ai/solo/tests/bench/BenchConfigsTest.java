package ai.solo.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.SoloConfig;
import ai.solo.examples.bench.BenchConfigs;
import org.junit.jupiter.api.Test;

/** The issue's model sizes and the FLOP counts behind MFU, worked out by hand. */
class BenchConfigsTest {
    @Test
    void smallAndMediumAreTheIssuesSizes() {
        SoloConfig small = BenchConfigs.config("small");
        assertThat(new int[] {small.hiddenSize(), small.numHiddenLayers(), small.numAttentionHeads(),
            small.numKeyValueHeads(), small.intermediateSize(), small.vocabSize(), small.visionPatchSize()})
                .containsExactly(512, 8, 8, 2, 1408, 33031, 32);
        SoloConfig medium = BenchConfigs.config("medium");
        assertThat(new int[] {medium.hiddenSize(), medium.numHiddenLayers(), medium.numAttentionHeads(),
            medium.numKeyValueHeads(), medium.intermediateSize(), medium.vocabSize()})
                .containsExactly(1024, 16, 16, 4, 2816, 33031);
        assertThat(medium.parameterCount()).isEqualTo(251_182_080L);
        assertThatThrownBy(() -> BenchConfigs.config("huge")).hasMessageContaining("unknown config 'huge'");
    }

    @Test
    void trainingFlopsArePalmsSixNPlusAttention() {
        // small: per layer q 512x512, k and v 512x128, o 512x512, MLP 3 x 512x1408
        long layer = 512L * 512 + 2 * 512L * 128 + 512L * 512 + 3 * 512L * 1408;
        long n = 8 * layer + 33031L * 512;
        double attention = 12.0 * 8 * 512 * 512; // 12 L d S with S = 512-token examples
        assertThat(BenchConfigs.trainFlopsPerToken(BenchConfigs.config("small")))
                .isCloseTo(6.0 * n + attention, within(1.0));
        assertThat(6.0 * n + attention).isCloseTo(2.617e8, within(1e6));
    }

    @Test
    void prefillFlopsCountEveryPositionAndTheHeadOnce() {
        SoloConfig small = BenchConfigs.config("small");
        long layer = 512L * 512 + 2 * 512L * 128 + 512L * 512 + 3 * 512L * 1408;
        double expected = 2.0 * 1068 * 8 * layer + 4.0 * 8 * 512 * 1068.0 * 1068 + 2.0 * 1024 * 3072 * 512
                + 2.0 * 33031 * 512;
        assertThat(BenchConfigs.prefillFlops(small, 1068, 1024)).isCloseTo(expected, within(1.0));
    }
}
