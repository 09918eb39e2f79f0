package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.FinishReason;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several requests at once: one left-padded batch, many threads on one model, native memory. */
class GeneratorBatchTest {
    private static TinySolo.Loaded tiny;
    private static SoloTokenizer tokenizer;
    private static SoloModel model;
    private static Generator generator;

    /** Different image grids, prompt lengths and turn counts. */
    private static final List<Conversation> MIXED = List.of(
            Conversation.of(Prompt.builder().image(TinySolo.image(40, 70, 1)).text("What is this?").build()),
            Conversation.of(Prompt.of("Tell me, in a few words, why the sky is blue and the grass is green.")),
            Conversation.builder()
                    .user(Prompt.builder().image(TinySolo.image(100, 33, 2)).text("Describe it").build())
                    .assistant("A striped card.")
                    .user("And the colours?")
                    .build());

    @BeforeAll
    static void create() {
        tiny = TinySolo.load(3);
        tokenizer = tiny.tokenizer();
        model = tiny.model();
        generator = tiny.generator();
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    private static GenerationConfig greedy(int maxNewTokens) {
        return TinySolo.greedy(maxNewTokens);
    }

    private static void assertSameAnswers(List<GenerationResult> batched, List<GenerationResult> alone) {
        assertThat(batched).hasSameSizeAs(alone);
        for (int i = 0; i < alone.size(); i++) {
            GenerationResult b = batched.get(i);
            GenerationResult a = alone.get(i);
            assertThat(b.tokenIds()).as("tokens of request %d", i).containsExactly(a.tokenIds());
            assertThat(b.text()).as("text of request %d", i).isEqualTo(a.text());
            assertThat(b.finishReason()).as("finish of request %d", i).isEqualTo(a.finishReason());
            assertThat(b.promptTokenIds()).as("prompt of request %d", i).containsExactly(a.promptTokenIds());
        }
    }

    private static List<GenerationResult> oneByOne(Generator g, List<Conversation> conversations,
            GenerationConfig config) {
        return conversations.stream().map(c -> g.generate(c, config)).toList();
    }

    @Test
    void batchGivesEveryRequestTheAnswerItGetsAlone() {
        GenerationConfig config = greedy(10).toBuilder().returnLogprobs(true).build();

        List<GenerationResult> batched = generator.generateBatch(MIXED, config);

        List<GenerationResult> alone = oneByOne(generator, MIXED, config);
        assertSameAnswers(batched, alone);
        assertThat(alone.stream().map(GenerationResult::promptTokens).distinct()).hasSize(3);
        for (int i = 0; i < alone.size(); i++) {
            float[] expected = alone.get(i).logprobs();
            float[] actual = batched.get(i).logprobs();
            for (int t = 0; t < expected.length; t++) {
                assertThat(actual[t]).isCloseTo(expected[t], within(1e-4f));
            }
        }
    }

    @Test
    void renderedPromptsBatchLikeConversations() {
        List<TokenSequence> rendered = MIXED.stream().map(c -> TinySolo.render(tokenizer, c)).toList();

        List<GenerationResult> fromSequences = generator.generateSequences(rendered, greedy(8));

        assertSameAnswers(fromSequences, generator.generateBatch(MIXED, greedy(8)));
        assertSameAnswers(fromSequences, rendered.stream().map(p -> generator.generate(p, greedy(8), null)).toList());
    }

    @Test
    void rowsThatStopEarlyLeaveTheOtherRowsUnchanged() {
        int stop = generator.generate(MIXED.get(1), greedy(3)).tokenIds()[2];
        GenerationConfig config = greedy(10).toBuilder().stopTokenIds(Set.of(stop)).build();

        List<GenerationResult> batched = generator.generateBatch(MIXED, config);

        assertSameAnswers(batched, oneByOne(generator, MIXED, config));
        assertThat(batched.get(1).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(batched.get(1).tokenIds()).hasSizeLessThanOrEqualTo(3);
        assertThat(batched).extracting(GenerationResult::finishReason).contains(FinishReason.LENGTH);
    }

    @Test
    void shortPromptBatchedWithOneNearTheContextLimitStillGetsItsFullLength() {
        try (SoloModel small = SoloModel.create(TinySolo.config().maxPositionEmbeddings(48).build(), 3)) {
            small.attachTokenizer(tokenizer);
            Generator g = Generator.create(small);
            List<Conversation> prompts = List.of(Conversation.of(Prompt.of("Hi")),
                    Conversation.of(Prompt.builder().image(TinySolo.image(100, 33, 1))
                            .text("Please describe this picture in as much detail as you can manage.").build()));
            GenerationConfig config = greedy(20);

            List<GenerationResult> alone = oneByOne(g, prompts, config);
            List<GenerationResult> batched = g.generateBatch(prompts, config);

            assertThat(alone.get(0).generatedTokens()).isEqualTo(20);
            assertThat(alone.get(1).promptTokens() + alone.get(1).generatedTokens()).isEqualTo(48);
            assertSameAnswers(batched, alone);
        }
    }

    @Test
    void slidingWindowBatchMatchesEachRequestAloneAndRecomputation() {
        try (SoloModel windowed = SoloModel.create(TinySolo.config().slidingWindow(6).build(), 4)) {
            windowed.attachTokenizer(tokenizer);
            Generator g = Generator.create(windowed);
            List<Conversation> prompts = List.of(MIXED.get(0), Conversation.of(Prompt.of("Short one")));

            List<GenerationResult> batched = g.generateBatch(prompts, greedy(8));

            assertSameAnswers(batched, oneByOne(g, prompts, greedy(8)));
            for (int i = 0; i < prompts.size(); i++) {
                TokenSequence rendered = TinySolo.render(tokenizer, prompts.get(i));
                assertThat(batched.get(i).tokenIds()).containsExactly(
                        TinySolo.recomputeGreedy(windowed, rendered, 8, tokenizer.appendedTokenIds()).tokens());
            }
        }
    }

    @Test
    void batchOfOneEqualsGenerate() {
        List<GenerationResult> batched = generator.generateBatch(List.of(MIXED.get(2)), greedy(6));

        assertSameAnswers(batched, List.of(generator.generate(MIXED.get(2), greedy(6))));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentGenerationsOnOneModelGiveTheSequentialResults() throws Exception {
        List<Conversation> prompts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Prompt.Builder b = Prompt.builder();
            if (i % 2 == 0) {
                b.image(TinySolo.image(40 + 20 * i, 70 - 5 * i, i));
            }
            prompts.add(Conversation.of(b.text("Question number " + i + ": what now?").build()));
        }
        GenerationConfig greedy = greedy(6);
        GenerationConfig sampled = greedy(6).toBuilder().doSample(true).temperature(1.2).seed(11).build();
        List<GenerationResult> expectedGreedy = oneByOne(generator, prompts, greedy);
        List<GenerationResult> expectedSampled = oneByOne(generator, prompts, sampled);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<GenerationResult>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    List<GenerationResult> out = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        int i = (first + round) % prompts.size();
                        out.add(generator.generate(prompts.get(i), round == 1 ? sampled : greedy));
                    }
                    return out;
                }));
            }
            for (int t = 0; t < 8; t++) {
                List<GenerationResult> got = futures.get(t).get(100, TimeUnit.SECONDS);
                for (int round = 0; round < 3; round++) {
                    int i = (t + round) % prompts.size();
                    GenerationResult expected = (round == 1 ? expectedSampled : expectedGreedy).get(i);
                    assertThat(got.get(round).tokenIds()).as("thread %d round %d", t, round)
                            .containsExactly(expected.tokenIds());
                    assertThat(got.get(round).text()).isEqualTo(expected.text());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyGenerationsDoNotGrowNativeMemory() {
        DjlSoloModel djl = (DjlSoloModel) model;
        Conversation small = Conversation.of(Prompt.builder().image(TinySolo.image(64, 32, 5)).text("Hi").build());
        generator.generate(small, greedy(2));
        int before = djl.weights().manager().getManagedArrays().size();

        for (int i = 0; i < 200; i++) {
            GenerationConfig config = i % 2 == 0 ? greedy(2)
                    : greedy(2).toBuilder().doSample(true).seed(i).returnLogprobs(true).build();
            generator.generate(small, config);
        }
        generator.generateBatch(MIXED, greedy(2));
        try (Stream<String> stream = generator.stream(small, greedy(5))) {
            stream.findFirst();
        }

        assertThat(djl.weights().manager().getManagedArrays()).hasSize(before);
    }
}
