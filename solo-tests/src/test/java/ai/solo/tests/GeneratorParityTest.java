package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.generate.FinishReason;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.text.TokenSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cached greedy decoding against the reference's greedy tokens (made without a cache). */
class GeneratorParityTest {

    private static TokenSequence fixturePrompt(FixtureData f) {
        return new TokenSequence(f.inputIds, f.patchIndices, new boolean[f.length], f.patches, 3072, List.of());
    }

    @Test
    void cachedGreedyDecodingGivesExactlyTheReferenceTokens() {
        FixtureData fixture = FixtureData.load();
        try (SoloModel model = SoloModel.load(Fixtures.soloTiny())) {
            GenerationResult result = Generator.create(model).generate(fixturePrompt(fixture),
                    GenerationConfig.builder().maxNewTokens(fixture.greedyTokens.length).build(), null);

            assertThat(result.tokenIds()).containsExactly(fixture.greedyTokens);
            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(result.promptTokenIds()).containsExactly(fixture.inputIds);
        }
    }

    @Test
    void slidingWindowShorterThanTheRequestStillMatchesRecomputation() {
        // window 8 < prompt 23 + 12 new: the cache wraps and must drop exactly what the mask drops
        FixtureData fixture = FixtureData.load();
        java.nio.file.Path dir = Fixtures.soloTiny();
        try (SoloModel model = SoloModel.load(dir)) {
            ai.solo.SoloConfig windowed = model.config().toBuilder().slidingWindow(8).build();
            java.nio.file.Path copy = copyWithConfig(model, windowed);
            try (SoloModel w = SoloModel.load(copy)) {
                int[] expected = recomputeGreedy(w, fixture, 12);
                GenerationResult cached = Generator.create(w).generate(fixturePrompt(fixture),
                        GenerationConfig.builder().maxNewTokens(12).build(), null);
                assertThat(cached.tokenIds()).containsExactly(expected);
            }
        }
    }

    private static java.nio.file.Path copyWithConfig(SoloModel model, ai.solo.SoloConfig config) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("solo-window");
            model.save(dir);
            config.write(dir.resolve("config.json"));
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Greedy decoding by running the whole sequence again at every step: no cache involved. */
    static int[] recomputeGreedy(SoloModel model, FixtureData f, int steps) {
        int[] ids = f.inputIds.clone();
        int[] idx = f.patchIndices.clone();
        int[] out = new int[steps];
        for (int s = 0; s < steps; s++) {
            TokenSequence seq = new TokenSequence(ids, idx, new boolean[ids.length], f.patches, 3072, List.of());
            out[s] = model.logits(seq).argmax(0, ids.length - 1);
            ids = java.util.Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = out[s];
            idx = java.util.Arrays.copyOf(idx, idx.length + 1);
            idx[idx.length - 1] = -1;
        }
        return out;
    }
}
