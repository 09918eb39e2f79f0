package ai.solo.impl.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.generate.GenerationConfig;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final int[] NONE = {};

    private static GenerationConfig.Builder sampling() {
        return GenerationConfig.builder().doSample(true).topK(0);
    }

    private static Sampler sampler(GenerationConfig config) {
        return new Sampler(config, NONE, NONE, seedOf(config));
    }

    private static float[] randomLogits(long seed, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (r.nextGaussian() * 2);
        }
        return logits;
    }

    /** Draws {@code n} tokens from fresh copies of {@code logits}; returns how often each id came. */
    private static int[] counts(Sampler sampler, float[] logits, int n) {
        int[] counts = new int[logits.length];
        for (int i = 0; i < n; i++) {
            counts[sampler.next(logits.clone())]++;
        }
        return counts;
    }

    private static int firstLargest(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - lse;
        }
        return out;
    }

    @Test
    void greedyPicksTheHighestScore() {
        Sampler greedy = sampler(GenerationConfig.greedy());

        assertThat(greedy.next(new float[] {0.1f, 2.5f, -3f, 2.4f})).isEqualTo(1);
        assertThat(greedy.next(new float[] {-5f, -4f, -6f, -4.5f})).isEqualTo(1);
    }

    @Test
    void greedyPicksTheLowestIdAmongEqualScores() {
        Sampler greedy = sampler(GenerationConfig.greedy());

        assertThat(greedy.next(new float[] {1f, 3f, 3f, 3f})).isEqualTo(1);
    }

    @Test
    void greedyLogprobIsTheLogSoftmaxOfTheChosenToken() {
        float[] logits = {0.5f, 2f, -1f, 1f};
        Sampler greedy = sampler(GenerationConfig.builder().returnLogprobs(true).build());

        int token = greedy.next(logits.clone());

        assertThat(greedy.lastLogprob()).isCloseTo((float) logSoftmax(logits)[token], within(1e-6f));
    }

    @Test
    void logprobIsOnlyComputedWhenRequested() {
        Sampler greedy = sampler(GenerationConfig.greedy());

        greedy.next(new float[] {0.5f, 2f, -1f});

        assertThat(greedy.lastLogprob()).isNaN();
    }

    @Test
    void topKKeepsEveryTokenTiedWithTheKthAsTransformersDoes() {
        // scores 5, 3, 3, 3, 1 with top-k 2: the three tokens tied at 3 all stay in
        Sampler hot = sampler(sampling().topK(2).temperature(100).seed(5).build());
        int[] counts = counts(hot, new float[] {5f, 3f, 3f, 3f, 1f}, 3000);

        assertThat(counts[1]).isPositive();
        assertThat(counts[2]).isPositive();
        assertThat(counts[3]).isPositive();
        assertThat(counts[4]).isZero();
    }

    @Test
    void nanScoresAreAnEngineErrorNotASilentPick() {
        assertThatThrownBy(() -> sampler(GenerationConfig.greedy()).next(new float[] {1f, Float.NaN, 0f}))
                .isInstanceOf(ai.solo.EngineException.class).hasMessageContaining("NaN");
    }

    @Test
    void suppressedIdsAreNeverChosenEvenWhenTheyScoreHighest() {
        float[] logits = {1f, 9f, 2f, 8f, 0f};
        int[] suppressed = {1, 3};
        Sampler greedy = new Sampler(GenerationConfig.greedy(), suppressed, NONE, seedOf(GenerationConfig.greedy()));
        Sampler hot = new Sampler(sampling().temperature(50).seed(3).build(), suppressed, NONE, seedOf(sampling().temperature(50).seed(3).build()));

        assertThat(greedy.next(logits.clone())).isEqualTo(2);
        int[] counts = counts(hot, logits, 2000);
        assertThat(counts[1]).isZero();
        assertThat(counts[3]).isZero();
        assertThat(counts[0]).isPositive();
        assertThat(counts[4]).isPositive();
    }

    @Test
    void logprobIsComputedAfterSuppression() {
        float[] logits = {1f, 9f, 2f};
        GenerationConfig withLogprobs = GenerationConfig.builder().returnLogprobs(true).build();
        Sampler greedy = new Sampler(withLogprobs, new int[] {1}, NONE, 0);

        int token = greedy.next(logits.clone());

        double expected = logSoftmax(new float[] {1f, 2f})[1];
        assertThat(token).isEqualTo(2);
        assertThat((double) greedy.lastLogprob()).isCloseTo(expected, within(1e-6));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeScoresOfPromptTokens() {
        // transformers' RepetitionPenaltyLogitsProcessor: score < 0 ? score * p : score / p, for seen ids only
        float[] logits = {2f, 1.5f, -1f, -1.2f, 0f, 3f};
        Sampler greedy = new Sampler(GenerationConfig.builder().repetitionPenalty(2.0).build(), NONE,
                new int[] {0, 2, 4, 5, 5}, seedOf(GenerationConfig.builder().repetitionPenalty(2.0).build()));

        int token = greedy.next(logits);

        assertThat(logits).containsExactly(1f, 1.5f, -2f, -1.2f, 0f, 1.5f);
        assertThat(token).isEqualTo(1); // 1.5 ties with the penalised 5 (1.5); the lower id wins
    }

    @Test
    void repetitionPenaltyAlsoCountsGeneratedTokens() {
        Sampler greedy = new Sampler(GenerationConfig.builder().repetitionPenalty(1.5).build(), NONE, NONE, seedOf(GenerationConfig.builder().repetitionPenalty(1.5).build()));

        int first = greedy.next(new float[] {3f, 2.9f});
        int second = greedy.next(new float[] {3f, 2.9f});

        assertThat(first).isEqualTo(0);
        assertThat(second).isEqualTo(1); // 3 / 1.5 = 2 < 2.9 once token 0 has been generated
    }

    @Test
    void repetitionPenaltyBelowOneFavoursSeenTokens() {
        float[] logits = {2f, 1.5f, -1f};
        Sampler greedy = new Sampler(GenerationConfig.builder().repetitionPenalty(0.5).build(), NONE, new int[] {1, 2}, seedOf(GenerationConfig.builder().repetitionPenalty(0.5).build()));

        int token = greedy.next(logits);

        assertThat(logits).containsExactly(2f, 3f, -0.5f);
        assertThat(token).isEqualTo(1);
    }

    @Test
    void topKOfOneSamplesExactlyTheGreedyToken() {
        Sampler topOne = sampler(sampling().topK(1).temperature(20).seed(11).build());
        Sampler greedy = sampler(GenerationConfig.greedy());

        for (int i = 0; i < 200; i++) {
            float[] logits = randomLogits(i, 500);
            assertThat(topOne.next(logits.clone())).isEqualTo(greedy.next(logits.clone()));
        }
    }

    @Test
    void topKKeepsOnlyTheKBestTokens() {
        float[] logits = {0f, 3f, 1f, 2f, 2.5f};
        Sampler topTwo = sampler(sampling().topK(2).temperature(10).seed(5).build());

        int[] counts = counts(topTwo, logits, 2000);

        assertThat(counts[1] + counts[4]).isEqualTo(2000);
        assertThat(counts[1]).isPositive();
        assertThat(counts[4]).isPositive();
    }

    @Test
    void tinyTopPKeepsOnlyTheMostLikelyToken() {
        Sampler nucleus = sampler(sampling().topP(1e-6).temperature(20).seed(2).build());

        for (int i = 0; i < 200; i++) {
            float[] logits = randomLogits(1000 + i, 300);
            assertThat(nucleus.next(logits.clone())).isEqualTo(firstLargest(logits));
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.75 keeps {0, 1} (0.8 >= 0.75), never 2 or 3
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        Sampler nucleus = sampler(sampling().topP(0.75).seed(9).build());

        int[] counts = counts(nucleus, logits, 4000);

        assertThat(counts[2]).isZero();
        assertThat(counts[3]).isZero();
        assertThat(counts[0] / 4000.0).isCloseTo(0.5 / 0.8, within(0.04));
    }

    @Test
    void minPDropsTokensLessLikelyThanMinPTimesTheBest() {
        // probabilities 0.5, 0.3, 0.15, 0.05: min-p 0.2 drops what is below 0.1, i.e. only token 3
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        Sampler minP = sampler(sampling().minP(0.2).seed(4).build());
        Sampler strict = sampler(sampling().minP(0.7).seed(4).build());

        int[] counts = counts(minP, logits, 4000);
        int[] strictCounts = counts(strict, logits, 500);

        assertThat(counts[3]).isZero();
        assertThat(counts[0]).isPositive();
        assertThat(counts[1]).isPositive();
        assertThat(counts[2]).isPositive();
        assertThat(counts[2] / 4000.0).isCloseTo(0.15 / 0.95, within(0.03));
        assertThat(strictCounts[0]).isEqualTo(500);
    }

    @Test
    void sameSeedGivesTheSameDraws() {
        GenerationConfig config = sampling().temperature(1.5).seed(42).build();
        Sampler a = sampler(config);
        Sampler b = sampler(config);

        for (int i = 0; i < 300; i++) {
            float[] logits = randomLogits(i, 200);
            assertThat(a.next(logits.clone())).isEqualTo(b.next(logits.clone()));
        }
    }

    @Test
    void differentSeedsGiveDifferentDraws() {
        Sampler a = sampler(sampling().temperature(1.5).seed(1).build());
        Sampler b = sampler(sampling().temperature(1.5).seed(2).build());

        int same = 0;
        for (int i = 0; i < 300; i++) {
            float[] logits = randomLogits(i, 200);
            if (a.next(logits.clone()) == b.next(logits.clone())) {
                same++;
            }
        }
        assertThat(same).isLessThan(150);
    }

    @Test
    void sampledFrequenciesMatchSoftmaxProbabilities() {
        float[] logits = {(float) Math.log(0.2), (float) Math.log(0.3), (float) Math.log(0.5)};
        Sampler plain = sampler(sampling().seed(7).build());

        int[] counts = counts(plain, logits, 20_000);

        // binomial standard deviation is at most sqrt(0.25 / 20000) = 0.0035
        assertThat(counts[0] / 20_000.0).isCloseTo(0.2, within(0.015));
        assertThat(counts[1] / 20_000.0).isCloseTo(0.3, within(0.015));
        assertThat(counts[2] / 20_000.0).isCloseTo(0.5, within(0.015));
    }

    @Test
    void temperatureSharpensOrFlattensTheDistribution() {
        // temperature 2 turns probabilities 0.2 / 0.8 into sqrt-weighted 1/3 / 2/3
        float[] logits = {(float) Math.log(0.2), (float) Math.log(0.8)};
        Sampler warm = sampler(sampling().temperature(2).seed(8).build());
        Sampler cold = sampler(sampling().temperature(0.25).seed(8).build());

        int[] warmCounts = counts(warm, logits, 10_000);
        int[] coldCounts = counts(cold, logits, 10_000);

        assertThat(warmCounts[0] / 10_000.0).isCloseTo(1 / 3.0, within(0.02));
        double coldExpected = Math.pow(0.2, 4) / (Math.pow(0.2, 4) + Math.pow(0.8, 4));
        assertThat(coldCounts[0] / 10_000.0).isCloseTo(coldExpected, within(0.01));
    }

    @Test
    void sampledLogprobIsTheUntemperedLogSoftmaxOfTheDrawnToken() {
        float[] logits = randomLogits(77, 50);
        double[] expected = logSoftmax(logits);
        Sampler hot = sampler(sampling().temperature(3).seed(1).returnLogprobs(true).build());

        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int token = hot.next(logits.clone());
            drawn.add(token);
            assertThat((double) hot.lastLogprob()).isCloseTo(expected[token], within(1e-5));
        }
        assertThat(drawn).hasSizeGreaterThan(5);
    }

    private static long seedOf(GenerationConfig config) {
        return config.seed().orElse(0L);
    }
}
