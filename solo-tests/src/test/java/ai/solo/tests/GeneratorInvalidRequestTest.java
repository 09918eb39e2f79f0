package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Invalid requests fail fast with {@link InvalidInputException}. To show that no native work
 * happens first, most run against a generator whose model is already closed: any use of the
 * network would throw {@link IllegalStateException} instead.
 */
class GeneratorInvalidRequestTest {
    /** A 300 x 300 image becomes 10 x 10 patches: 111 positions, more than the context of 64. */
    private static final Prompt HUGE_IMAGE = Prompt.builder().image(TinySolo.image(300, 300, 1)).text("Hi").build();

    private static SoloTokenizer tokenizer;
    private static SoloModel openModel;
    private static Generator onOpenModel;
    private static Generator onClosedModel;

    @BeforeAll
    static void create() {
        tokenizer = TinySolo.tokenizer();
        openModel = SoloModel.create(TinySolo.config().maxPositionEmbeddings(64).build(), 1);
        openModel.attachTokenizer(tokenizer);
        onOpenModel = Generator.create(openModel);
        SoloModel closed = SoloModel.create(TinySolo.config().maxPositionEmbeddings(64).build(), 1);
        closed.attachTokenizer(tokenizer);
        onClosedModel = Generator.create(closed);
        closed.close();
    }

    @AfterAll
    static void close() {
        openModel.close();
        tokenizer.close();
    }

    private static GenerationConfig greedy() {
        return GenerationConfig.builder().maxNewTokens(4).build();
    }

    private static void failsFast(Executable call, String messagePart) {
        assertThatThrownBy(call::execute).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void validRequestOnTheClosedModelReachesTheNetworkAndFailsThere() {
        // the control: the closed model refuses real work, so the other tests' errors come earlier
        assertThatThrownBy(() -> onClosedModel.generate(Prompt.of("Hi"), greedy()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void emptyOrBlankPromptIsRefused() {
        failsFast(() -> onClosedModel.generate(Prompt.of(""), greedy()), "empty");
        failsFast(() -> onClosedModel.generate(Prompt.of("  \n\t"), greedy()), "empty");
        failsFast(() -> onClosedModel.generate(Prompt.builder().text("").text(" ").build(), greedy()), "empty");
        failsFast(() -> Prompt.builder().build(), "at least one");
    }

    @Test
    void conversationNotEndingWithAUserTurnIsRefused() {
        Conversation answered = Conversation.builder().user("Hi").assistant("Hello!").build();
        Conversation systemOnly = Conversation.builder().system("Be brief.").build();

        failsFast(() -> onClosedModel.generate(answered, greedy()), "must end with a user turn");
        failsFast(() -> onClosedModel.generate(systemOnly, greedy()), "must end with a user turn");
        failsFast(() -> onClosedModel.stream(answered, greedy()), "must end with a user turn");
        failsFast(() -> onClosedModel.generateBatch(List.of(Conversation.of(Prompt.of("ok")), answered), greedy()),
                "must end with a user turn");
    }

    @Test
    void imageTooLargeForTheContextIsRefusedBeforeTheNetworkRuns() {
        failsFast(() -> onClosedModel.generate(HUGE_IMAGE, greedy()), "max_position_embeddings");
        failsFast(() -> onClosedModel.stream(Conversation.of(HUGE_IMAGE), greedy()), "max_position_embeddings");
        failsFast(() -> onClosedModel.generateBatch(List.of(Conversation.of(Prompt.of("ok")),
                Conversation.of(HUGE_IMAGE)), greedy()), "max_position_embeddings");
    }

    @Test
    void tokenSequenceFillingTheContextIsRefused() {
        TokenSequence full = new TokenSequence(new int[64], filled(64), new boolean[64], new float[0], 0, List.of());

        failsFast(() -> onClosedModel.generate(full, greedy(), null), "max_position_embeddings");
    }

    @Test
    void invalidDecodingOptionsAreRefusedWhenBuilt() {
        failsFast(() -> GenerationConfig.builder().maxNewTokens(0).build(), "maxNewTokens");
        failsFast(() -> GenerationConfig.builder().maxNewTokens(-3).build(), "maxNewTokens");
        failsFast(() -> GenerationConfig.builder().topP(0).build(), "topP");
        failsFast(() -> GenerationConfig.builder().topP(1.5).build(), "topP");
        failsFast(() -> GenerationConfig.builder().topP(Double.NaN).build(), "topP");
        failsFast(() -> GenerationConfig.builder().temperature(0).build(), "temperature");
        failsFast(() -> GenerationConfig.builder().temperature(-1).build(), "temperature");
        failsFast(() -> GenerationConfig.builder().temperature(Double.POSITIVE_INFINITY).build(), "temperature");
        failsFast(() -> GenerationConfig.builder().topK(-1).build(), "topK");
        failsFast(() -> GenerationConfig.builder().minP(1).build(), "minP");
        failsFast(() -> GenerationConfig.builder().minP(-0.1).build(), "minP");
        failsFast(() -> GenerationConfig.builder().repetitionPenalty(0).build(), "repetitionPenalty");
        failsFast(() -> GenerationConfig.builder().stopStrings(List.of("")).build(), "stopStrings");
        failsFast(() -> GenerationConfig.builder().stopTokenIds(Set.of(-1)).build(), "stopTokenIds");
        failsFast(() -> GenerationConfig.builder().suppressTokenIds(Set.of(-2)).build(), "suppressTokenIds");
    }

    @Test
    void boundaryOptionsAreAccepted() {
        GenerationConfig config = GenerationConfig.builder().maxNewTokens(1).topP(1.0).minP(0).topK(0)
                .temperature(1e-3).build();

        assertThat(onOpenModel.generate(Prompt.of("Hi"), config).tokenIds()).hasSize(1);
    }

    @Test
    void missingArgumentsAreRefused() {
        failsFast(() -> onClosedModel.generate(Prompt.of("Hi"), null), "config");
        failsFast(() -> onClosedModel.generate((Conversation) null, greedy()), "conversation");
        failsFast(() -> onClosedModel.generate((TokenSequence) null, greedy(), null), "prompt");
        failsFast(() -> onClosedModel.generateBatch(List.of(), greedy()), "at least one");
        failsFast(() -> Generator.builder(openModel).chatTemplate(null).build(), "chatTemplate");
    }

    @Test
    void tokenOutsideTheVocabularyIsRefusedWithoutLeakingNativeMemory() {
        int before = ((DjlSoloModel) openModel).weights().manager().getManagedArrays().size();
        TokenSequence bad = new TokenSequence(new int[] {1, TinySolo.VOCAB}, filled(2), new boolean[2], new float[0], 0,
                List.of());

        failsFast(() -> onOpenModel.generate(bad, greedy(), null), "vocabulary");
        assertThat(((DjlSoloModel) openModel).weights().manager().getManagedArrays()).hasSize(before);
    }

    @Test
    void emptyTokenSequenceIsRefused() {
        TokenSequence empty = new TokenSequence(new int[0], new int[0], new boolean[0], new float[0], 0, List.of());

        assertThatThrownBy(() -> onClosedModel.generate(empty, greedy(), null)).isInstanceOf(InvalidInputException.class);
    }

    private static int[] filled(int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, -1);
        return out;
    }
}
