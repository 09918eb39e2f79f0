package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.solo.InvalidInputException;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.generate.FinishReason;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.image.ImagePatcher;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator through the public API on a tiny random model with SOLO-7B's vocabulary and the
 * real Mistral tokenizer: cached greedy decoding against recomputation, sampling options, stop
 * and end conditions, suppression, log-probabilities, results and invalid requests.
 */
class GeneratorTest {
    private static final long SEED = 1;
    private static final Prompt QUESTION = Prompt.of("Hello there, how are you today?");
    private static final int BASELINE_TOKENS = 16;

    private static TinySolo.Loaded tiny;
    private static SoloTokenizer tokenizer;
    private static SoloModel model;
    private static Generator generator;
    /** Greedy answer to {@link #QUESTION}, made once. */
    private static GenerationResult baseline;

    @TempDir
    Path dir;

    @BeforeAll
    static void create() {
        tiny = TinySolo.load(SEED);
        tokenizer = tiny.tokenizer();
        model = tiny.model();
        generator = tiny.generator();
        baseline = generator.generate(QUESTION, GenerationConfig.builder().maxNewTokens(BASELINE_TOKENS).build());
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    private static GenerationConfig greedy(int maxNewTokens) {
        return TinySolo.greedy(maxNewTokens);
    }

    /** @return index of the first baseline token (from the third on) that does not occur before it */
    private static int firstFreshTokenIndex() {
        int[] ids = baseline.tokenIds();
        for (int k = 2; k < ids.length; k++) {
            int id = ids[k];
            if (Arrays.stream(ids, 0, k).noneMatch(x -> x == id)) {
                return k;
            }
        }
        throw new AssertionError("baseline repeats every token: " + Arrays.toString(ids));
    }

    @Test
    void baselineRunsToItsLengthWithVariedText() {
        assertThat(baseline.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(baseline.tokenIds()).hasSize(BASELINE_TOKENS);
        assertThat(Arrays.stream(baseline.tokenIds()).distinct().count()).isGreaterThan(5);
        assertThat(baseline.text()).isEqualTo(tokenizer.decode(baseline.tokenIds(), true)).isNotBlank();
    }

    @Test
    void cachedGreedyDecodingEqualsRecomputingTheWholeSequenceEachStep() {
        // text and two images of different grids in any order: image, text, image, text
        Prompt prompt = Prompt.builder().image(TinySolo.image(40, 70, 1)).text("Compare this")
                .image(TinySolo.image(100, 33, 2)).text("with that.").build();
        TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(prompt));

        GenerationResult result = generator.generate(prompt, greedy(12));

        TinySolo.Reference expected = TinySolo.recomputeGreedy(model, rendered, 12, tokenizer.appendedTokenIds());
        assertThat(result.promptTokenIds()).containsExactly(rendered.inputIds());
        assertThat(rendered.grids()).hasSize(2);
        assertThat(rendered.grids().get(0)).isNotEqualTo(rendered.grids().get(1));
        assertThat(result.tokenIds()).containsExactly(expected.tokens());
        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void greedyIsDeterministic() {
        GenerationResult again = generator.generate(QUESTION, greedy(BASELINE_TOKENS));

        assertThat(again.tokenIds()).containsExactly(baseline.tokenIds());
        assertThat(again.text()).isEqualTo(baseline.text());
    }

    @Test
    void sameSeedGivesTheSameSampledOutputAndAnotherSeedAnother() {
        GenerationConfig seven = GenerationConfig.builder().maxNewTokens(12).doSample(true).temperature(1.5)
                .topK(0).seed(7).build();

        GenerationResult first = generator.generate(QUESTION, seven);
        GenerationResult second = generator.generate(QUESTION, seven);
        GenerationResult other = generator.generate(QUESTION, seven.toBuilder().seed(8).build());

        assertThat(second.tokenIds()).containsExactly(first.tokenIds());
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(other.tokenIds()).isNotEqualTo(first.tokenIds());
        assertThat(first.tokenIds()).isNotEqualTo(baseline.tokenIds()); // sampling, not greedy
    }

    @Test
    void topKOfOneSamplesTheGreedyAnswer() {
        GenerationResult topOne = generator.generate(QUESTION, GenerationConfig.builder().maxNewTokens(BASELINE_TOKENS)
                .doSample(true).topK(1).temperature(3).seed(5).build());

        assertThat(topOne.tokenIds()).containsExactly(baseline.tokenIds());
    }

    @Test
    void stopTokenIdEndsGenerationWithStopAndIsReturned() {
        int k = firstFreshTokenIndex();
        int stop = baseline.tokenIds()[k];

        GenerationResult result = generator.generate(QUESTION, GenerationConfig.builder().maxNewTokens(BASELINE_TOKENS)
                .stopTokenIds(Set.of(stop)).build());

        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.tokenIds()).containsExactly(Arrays.copyOf(baseline.tokenIds(), k + 1));
    }

    @Test
    void endOfSequenceTokenOfTheModelEndsGenerationWithEos() {
        int k = firstFreshTokenIndex();
        int eos = baseline.tokenIds()[k];
        model.save(dir);
        SoloConfig withEos = model.config().toBuilder().eosTokenId(eos).build();
        withEos.write(dir.resolve("config.json"));

        try (SoloModel reloaded = SoloModel.load(dir)) {
            GenerationResult result = Generator.create(reloaded).generate(QUESTION, greedy(BASELINE_TOKENS));

            assertThat(result.finishReason()).isEqualTo(FinishReason.EOS);
            assertThat(result.tokenIds()).containsExactly(Arrays.copyOf(baseline.tokenIds(), k + 1));
        }
    }

    @Test
    void endOfSequenceListedAlsoAsStopTokenStillFinishesWithEos() {
        // generation_config.json repeats eos_token_id, which becomes a stop id: EOS must win
        int k = firstFreshTokenIndex();
        int eos = baseline.tokenIds()[k];
        model.save(dir);
        model.config().toBuilder().eosTokenId(eos).build().write(dir.resolve("config.json"));

        try (SoloModel reloaded = SoloModel.load(dir)) {
            GenerationResult result = Generator.create(reloaded).generate(QUESTION,
                    greedy(BASELINE_TOKENS).toBuilder().stopTokenIds(java.util.Set.of(eos)).build());

            assertThat(result.finishReason()).isEqualTo(FinishReason.EOS);
        }
    }

    @Test
    void appendedTokenUsedAsEndOfSequenceIsNotSuppressed() {
        // a checkpoint fine-tuned to end turns with <|im_end|> (33030) must be able to produce it:
        // with every text id suppressed too, it is the only token left to choose
        model.save(dir);
        model.config().toBuilder().eosTokenId(33030).build().write(dir.resolve("config.json"));
        java.util.Set<Integer> allText = new java.util.HashSet<>();
        for (int id = 0; id < 32000; id++) {
            allText.add(id);
        }
        try (SoloModel reloaded = SoloModel.load(dir)) {
            GenerationResult result = Generator.create(reloaded).generate(QUESTION,
                    greedy(4).toBuilder().suppressTokenIds(allText).build());

            assertThat(result.tokenIds()).containsExactly(33030);
            assertThat(result.finishReason()).isEqualTo(FinishReason.EOS);
        }
    }

    @Test
    void withoutASeedRepeatedCallsAndBatchRowsSampleDifferently() {
        GenerationConfig unseeded = GenerationConfig.builder().maxNewTokens(12).doSample(true).temperature(1.5)
                .topK(0).build();

        GenerationResult first = generator.generate(QUESTION, unseeded);
        GenerationResult second = generator.generate(QUESTION, unseeded);
        List<GenerationResult> rows = generator.generateBatch(
                List.of(Conversation.of(QUESTION), Conversation.of(QUESTION)), unseeded);

        assertThat(unseeded.seed()).isEmpty();
        assertThat(first.tokenIds()).isNotEqualTo(second.tokenIds());
        assertThat(rows.get(0).tokenIds()).isNotEqualTo(rows.get(1).tokenIds());
    }

    @Test
    void stopStringSpanningATokenBoundaryEndsGenerationAndIsNotReturned() {
        int[] ids = baseline.tokenIds();
        String text = baseline.text();
        // find tokens i, i + 1 each adding at least two characters; the stop string straddles them
        for (int i = 1; i + 1 < ids.length; i++) {
            int before = tokenizer.decode(Arrays.copyOf(ids, i), true).length();
            int boundary = tokenizer.decode(Arrays.copyOf(ids, i + 1), true).length();
            int after = tokenizer.decode(Arrays.copyOf(ids, i + 2), true).length();
            if (boundary - before < 2 || after - boundary < 2) {
                continue;
            }
            String stop = text.substring(boundary - 2, boundary + 2);
            if (text.indexOf(stop) != boundary - 2) {
                continue;
            }
            StringBuilder streamed = new StringBuilder();
            GenerationResult result = generator.generate(Conversation.of(QUESTION), GenerationConfig.builder()
                    .maxNewTokens(BASELINE_TOKENS).stopStrings(List.of("never appears", stop)).build(),
                    token -> {
                        streamed.append(token.text());
                        return true;
                    });

            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(result.text()).isEqualTo(text.substring(0, boundary - 2));
            assertThat(result.tokenIds()).containsExactly(Arrays.copyOf(ids, i + 2));
            assertThat(streamed.toString()).isEqualTo(result.text());
            return;
        }
        throw new AssertionError("no two neighbouring multi-character tokens in " + text);
    }

    @Test
    void soloTokensAreNeverGeneratedByDefaultEvenWhenSamplingAlmostUniformly() {
        List<Conversation> prompts = List.of(Conversation.of(Prompt.of("one")), Conversation.of(Prompt.of("two")),
                Conversation.of(Prompt.of("three")), Conversation.of(Prompt.of("four")));
        GenerationConfig hot = GenerationConfig.builder().maxNewTokens(60).doSample(true).temperature(100).topK(0)
                .seed(3).build();

        List<GenerationResult> suppressed = generator.generateBatch(prompts, hot);
        List<GenerationResult> allowed = generator.generateBatch(prompts,
                hot.toBuilder().suppressSoloTokens(false).build());

        // 240 near-uniform draws over 33,031 ids of which 1,031 are SOLO's: about 7 expected
        assertThat(suppressed).allSatisfy(r -> {
            assertThat(r.tokenIds()).hasSize(60);
            assertThat(Arrays.stream(r.tokenIds()).max().getAsInt()).isLessThan(32000);
        });
        assertThat(allowed.stream().flatMapToInt(r -> Arrays.stream(r.tokenIds())).filter(id -> id >= 32000).count())
                .as("the same run without suppression draws SOLO tokens").isPositive();
    }

    @Test
    void suppressedTokenIdsAreNeverGenerated() {
        int[] first = Arrays.copyOf(baseline.tokenIds(), 3);
        Set<Integer> banned = Set.of(first[0], first[1], first[2]);
        TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(QUESTION));
        int[] suppressed = IntStream.concat(Arrays.stream(tokenizer.appendedTokenIds()),
                Arrays.stream(first)).toArray();

        GenerationResult result = generator.generate(QUESTION, GenerationConfig.builder().maxNewTokens(6)
                .suppressTokenIds(banned).build());

        assertThat(result.tokenIds()).doesNotContain(first);
        assertThat(Arrays.stream(result.tokenIds()).max().getAsInt()).isLessThan(32000);
        assertThat(result.tokenIds()).containsExactly(TinySolo.recomputeGreedy(model, rendered, 6, suppressed).tokens());
    }

    @Test
    void logprobsAreTheLogSoftmaxOfRecomputedLogits() {
        TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(QUESTION));

        GenerationResult result = generator.generate(QUESTION, GenerationConfig.builder().maxNewTokens(8)
                .returnLogprobs(true).build());

        TinySolo.Reference expected = TinySolo.recomputeGreedy(model, rendered, 8, tokenizer.appendedTokenIds());
        assertThat(result.tokenIds()).containsExactly(expected.tokens());
        assertThat(result.logprobs()).hasSize(8);
        for (int i = 0; i < 8; i++) {
            float lp = result.logprobs()[i];
            assertThat(Float.isFinite(lp)).isTrue();
            assertThat(lp).isLessThanOrEqualTo(0f);
            assertThat((double) lp).as("token %d", i).isCloseTo(expected.logprobs()[i], within(1e-4));
        }
    }

    @Test
    void logprobsAreAbsentUnlessRequested() {
        assertThat(baseline.logprobs()).isNull();
    }

    @Test
    void reachingTheContextLimitFinishesWithLength() {
        try (SoloModel short64 = SoloModel.create(TinySolo.config().maxPositionEmbeddings(64).build(), SEED)) {
            short64.attachTokenizer(tokenizer);
            Prompt prompt = Prompt.builder().image(TinySolo.image(100, 33, 1)).text("How long can this answer be?").build();

            GenerationResult result = Generator.create(short64).generate(prompt, greedy(200));

            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(result.promptTokens() + result.generatedTokens()).isEqualTo(64);
        }
    }

    @Test
    void modelWithoutTokenizerContinuesTokenSequencesButRefusesPrompts() {
        try (SoloModel bare = SoloModel.create(TinySolo.config().build(), SEED)) {
            Generator g = Generator.create(bare);
            TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(QUESTION));

            assertThatThrownBy(() -> g.generate(QUESTION, greedy(4)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("tokenizer");
            GenerationResult result = g.generate(rendered, greedy(4), null);

            assertThat(result.tokenIds()).hasSize(4);
            assertThat(result.text()).isEmpty();
            assertThat(result.promptTokenIds()).containsExactly(rendered.inputIds());
        }
    }

    @Test
    void tokenSequencePromptsGiveTheSameAnswerAsTheirConversation() {
        TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(QUESTION));

        GenerationResult result = generator.generate(rendered, greedy(BASELINE_TOKENS), null);

        assertThat(result.tokenIds()).containsExactly(baseline.tokenIds());
        assertThat(result.text()).isEqualTo(baseline.text());
    }

    @Test
    void resultCarriesConsistentTimingsAndTokenCounts() {
        GenerationResult.Timings t = baseline.timings();

        assertThat(baseline.promptTokens()).isEqualTo(baseline.promptTokenIds().length)
                .isEqualTo(TinySolo.render(tokenizer, Conversation.of(QUESTION)).length());
        assertThat(baseline.generatedTokens()).isEqualTo(baseline.tokenIds().length);
        assertThat(t.preprocessNanos()).isPositive();
        assertThat(t.timeToFirstTokenNanos()).isPositive().isGreaterThanOrEqualTo(t.preprocessNanos());
        assertThat(t.decodeNanos()).isPositive();
        assertThat(t.totalNanos()).isGreaterThanOrEqualTo(t.timeToFirstTokenNanos())
                .isGreaterThanOrEqualTo(t.timeToFirstTokenNanos() + t.decodeNanos() - 1_000);
        assertThat(t.decodeTokensPerSecond(baseline.generatedTokens())).isPositive();
    }

    @Test
    void promptOfOneImageOnlyIsAnswered() {
        GenerationResult result = generator.generate(Prompt.builder().image(TinySolo.image(64, 32, 3)).build(), greedy(2));

        assertThat(result.tokenIds()).hasSize(2);
        assertThat(result.promptTokenIds()).startsWith(32000, 32001, 32001, 32000, 1);
    }

    @Test
    void repetitionPenaltyCountsPromptAndAnswerTokensAsTransformersDoes() {
        Prompt prompt = Prompt.of("What is this?"); // its greedy answer falls into a loop
        TokenSequence rendered = TinySolo.render(tokenizer, Conversation.of(prompt));

        GenerationResult plain = generator.generate(prompt, greedy(20));
        GenerationResult penalised = generator.generate(prompt, greedy(20).toBuilder().repetitionPenalty(1.5).build());

        assertThat(penalised.tokenIds()).containsExactly(
                TinySolo.recomputeGreedy(model, rendered, 20, tokenizer.appendedTokenIds(), 1.5).tokens());
        assertThat(penalised.tokenIds()).isNotEqualTo(plain.tokenIds());
        assertThat(Arrays.stream(penalised.tokenIds()).distinct().count())
                .isGreaterThan(Arrays.stream(plain.tokenIds()).distinct().count());
    }

    @Test
    void chatTemplateIsPluggable() {
        Generator plainGenerator = Generator.builder(model).chatTemplate(ChatTemplates.plain()).build();
        Prompt prompt = Prompt.builder().text("A photo of").image(TinySolo.image(64, 32, 1)).build();
        TokenSequence expected = ChatTemplates.plain().render(Conversation.of(prompt), new ChatTemplate.Context(
                tokenizer, ImagePatcher.builder().patchSize(32).build(), ImageClose.VISION));

        GenerationResult result = plainGenerator.generate(prompt, greedy(3));

        assertThat(result.promptTokenIds()).containsExactly(expected.inputIds());
        assertThat(result.tokenIds()).containsExactly(generator.generate(expected, greedy(3), null).tokenIds());
    }

    @Test
    void imageCloseTokenIsConfigurable() {
        Generator paper = Generator.builder(model).imageClose(ImageClose.VISION_END).build();

        GenerationResult result = paper.generate(Prompt.builder().image(TinySolo.image(64, 32, 1)).text("Hi").build(),
                greedy(1));

        assertThat(result.promptTokenIds()).startsWith(32000, 32001, 32001, 32004, 1);
    }

    @Test
    void imagePatcherMustCutTheModelsPatchSize() {
        assertThatThrownBy(() -> Generator.builder(model).imagePatcher(ImagePatcher.builder().patchSize(16).build())
                .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("16")
                .hasMessageContaining("32");
    }
}
