package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.FinishReason;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.generate.TokenListener.GeneratedToken;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.SoloTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens as they come: the listener callback, cancellation and {@link Generator#stream}. */
class GeneratorStreamingTest {
    private static final Conversation QUESTION = Conversation.of(Prompt.builder().image(TinySolo.image(40, 70, 4))
            .text("What do you see?").build());

    private static TinySolo.Loaded tiny;
    private static SoloTokenizer tokenizer;
    private static SoloModel model;
    private static Generator generator;

    @BeforeAll
    static void create() {
        tiny = TinySolo.load(2);
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

    /** Arrays owned by the model's root manager and its sub-managers (request caches included). */
    private static int nativeArrays() {
        return ((DjlSoloModel) model).weights().manager().getManagedArrays().size();
    }

    @Test
    void listenerReceivesEveryTokenInOrderAndItsTextsMakeTheResult() {
        List<GeneratedToken> seen = new ArrayList<>();

        GenerationResult result = generator.generate(QUESTION, greedy(16), token -> seen.add(token));

        assertThat(seen).extracting(GeneratedToken::id).containsExactly(Arrays.stream(result.tokenIds()).boxed()
                .toArray(Integer[]::new));
        assertThat(seen).extracting(GeneratedToken::index).containsExactly(
                java.util.stream.IntStream.range(0, 16).boxed().toArray(Integer[]::new));
        assertThat(seen).allSatisfy(t -> assertThat(t.logprob()).isNaN());
        assertThat(seen.stream().map(GeneratedToken::text).collect(Collectors.joining())).isEqualTo(result.text());
        assertThat(result.text()).isNotEmpty();
    }

    @Test
    void listenerGetsTheSameLogprobsAsTheResultWhenRequested() {
        List<GeneratedToken> seen = new ArrayList<>();

        GenerationResult result = generator.generate(QUESTION, greedy(6).toBuilder().returnLogprobs(true).build(),
                seen::add);

        float[] streamed = new float[seen.size()];
        for (int i = 0; i < streamed.length; i++) {
            streamed[i] = seen.get(i).logprob();
        }
        assertThat(streamed).containsExactly(result.logprobs());
    }

    @Test
    void listenerReturningFalseCancelsGeneration() {
        List<Integer> seen = new ArrayList<>();

        GenerationResult result = generator.generate(QUESTION, greedy(50), token -> {
            seen.add(token.id());
            return seen.size() < 3;
        });

        assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(result.tokenIds()).hasSize(3);
        assertThat(seen).hasSize(3);
        assertThat(result.tokenIds()).containsExactly(Arrays.copyOf(generator.generate(QUESTION, greedy(3)).tokenIds(), 3));
    }

    @Test
    void listenerThatCancelsOnTheLastTokenDoesNotChangeTheFinishReason() {
        GenerationResult first = generator.generate(QUESTION, greedy(2), token -> false);
        GenerationResult last = generator.generate(QUESTION, greedy(2), token -> token.index() < 1);

        assertThat(first.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(first.tokenIds()).hasSize(1);
        assertThat(last.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(last.tokenIds()).hasSize(2);
    }

    @Test
    void streamedPiecesMakeTheSameTextAsGenerate() {
        GenerationResult whole = generator.generate(QUESTION, greedy(16));

        List<String> pieces;
        try (Stream<String> stream = generator.stream(QUESTION, greedy(16))) {
            pieces = stream.toList();
        }

        assertThat(pieces).isNotEmpty().doesNotContain("");
        assertThat(String.join("", pieces)).isEqualTo(whole.text());
    }

    @Test
    void streamWithAStopStringEndsBeforeIt() {
        GenerationResult whole = generator.generate(QUESTION, greedy(16));
        String stop = whole.text().substring(whole.text().length() / 2, whole.text().length() / 2 + 3);
        GenerationConfig stopping = greedy(16).toBuilder().stopStrings(List.of(stop)).build();

        String streamed;
        try (Stream<String> stream = generator.stream(QUESTION, stopping)) {
            streamed = stream.collect(Collectors.joining());
        }

        assertThat(streamed).isEqualTo(whole.text().substring(0, whole.text().indexOf(stop)))
                .isEqualTo(generator.generate(QUESTION, stopping).text());
    }

    @Test
    void streamIsConsumedLazilyAndClosingItEarlyFreesItsCache() {
        int before = nativeArrays();
        List<String> firstTwo = new ArrayList<>();

        try (Stream<String> stream = generator.stream(QUESTION, greedy(200))) {
            assertThat(nativeArrays()).as("nothing runs before the stream is consumed").isEqualTo(before);
            Iterator<String> it = stream.iterator();
            firstTwo.add(it.next());
            firstTwo.add(it.next());
            assertThat(nativeArrays()).as("the request's cache is alive while streaming").isGreaterThan(before);
        }

        assertThat(nativeArrays()).isEqualTo(before);
        String whole = generator.generate(QUESTION, greedy(16)).text();
        assertThat(whole).startsWith(firstTwo.get(0) + firstTwo.get(1));
    }

    @Test
    void streamConsumedToTheEndFreesItsCacheWithoutClose() {
        int before = nativeArrays();

        @SuppressWarnings("resource")
        long pieces = generator.stream(QUESTION, greedy(8)).count();

        assertThat(pieces).isPositive();
        assertThat(nativeArrays()).isEqualTo(before);
    }

    @Test
    void closingAStreamTwiceOrWithoutConsumingItIsHarmless() {
        int before = nativeArrays();
        Stream<String> untouched = generator.stream(QUESTION, greedy(8));
        untouched.close();
        untouched.close();

        assertThat(nativeArrays()).isEqualTo(before);
        assertThat(generator.generate(QUESTION, greedy(2)).tokenIds()).hasSize(2);
    }
}
