package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.image.ImagePatcher;
import ai.solo.image.PatchGrid;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SOLO-7B's chat format and the plain template, token by token with the real tokenizer. */
class ChatTemplatesTest {
    private static final int VISION = 32000;
    private static final int VPATCH = 32001;
    private static final int VROW_SEP = 32002;
    private static final int VISION_END = 32004;
    private static final int BOS = 1;
    private static final int EOS = 2;

    private static SoloTokenizer tokenizer;
    private static ChatTemplate.Context context;

    @BeforeAll
    static void load() {
        tokenizer = TinySolo.tokenizer();
        context = new ChatTemplate.Context(tokenizer, ImagePatcher.builder().patchSize(32).build(), ImageClose.VISION);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static int[] ids(int... ids) {
        return ids;
    }

    /** @return positions whose loss mask is set */
    private static int[] targets(TokenSequence seq) {
        return IntStream.range(0, seq.length()).filter(i -> seq.lossMask()[i]).toArray();
    }

    @Test
    void solo7bPutsTheImageFirstThenBosAndTheInstruction() {
        Prompt prompt = Prompt.builder().image(TinySolo.image(64, 32, 1)).text("What is this?").build();

        TokenSequence seq = ChatTemplates.solo7B().render(Conversation.of(prompt), context);

        // one row of two patches, closed by <vision> again as SOLO-7B's released code does
        assertThat(seq.inputIds()).containsExactly(concat(ids(VISION, VPATCH, VPATCH, VISION, BOS),
                tokenizer.encode("[INST] What is this? [/INST]")));
        assertThat(Arrays.copyOf(seq.patchIndices(), 5)).containsExactly(-1, 0, 1, -1, -1);
        assertThat(Arrays.stream(seq.patchIndices()).skip(5)).containsOnly(-1);
        assertThat(seq.grids()).containsExactly(new PatchGrid(1, 2, 32));
        assertThat(seq.patches()).hasSize(2 * 3 * 32 * 32);
        assertThat(targets(seq)).isEmpty();
    }

    @Test
    void solo7bInstructionStartsWithTheTokensOfInst() {
        TokenSequence seq = ChatTemplates.solo7B().render(Conversation.of(Prompt.of("This is a")), context);

        assertThat(seq.inputIds()).startsWith(BOS, 733, 16289, 28793); // <s> "[" "INST" "]"
        assertThat(tokenizer.decode(seq.inputIds(), true)).isEqualTo("[INST] This is a [/INST]");
    }

    @Test
    void solo7bRendersEarlierTurnsWithTheirAnswersAsTheOnlyTargets() {
        Conversation chat = Conversation.builder().user("What is this?").assistant("A cat.").user("What colour?").build();

        TokenSequence seq = ChatTemplates.solo7B().render(chat, context);

        int[] firstTurn = tokenizer.encode("[INST] What is this? [/INST]");
        // SOLO's fine-tuning code tokenizes the answer on its own: "▁A" (330), not "A" (28741)
        int[] answer = {330, 5255, 28723};
        assertThat(seq.inputIds()).containsExactly(concat(ids(BOS), firstTurn, answer, ids(EOS),
                tokenizer.encode("[INST] What colour? [/INST]")));
        int answerStart = 1 + firstTurn.length;
        assertThat(targets(seq)).containsExactly(IntStream.rangeClosed(answerStart, answerStart + answer.length).toArray());
        assertThat(tokenizer.decode(seq.inputIds(), false))
                .isEqualTo("<s> [INST] What is this? [/INST] A cat.</s> [INST] What colour? [/INST]");
    }

    @Test
    void solo7bStripsTheQuestionAsTheReferenceDoes() {
        TokenSequence padded = ChatTemplates.solo7B().render(Conversation.of(Prompt.of("  What is this? \n")), context);
        TokenSequence clean = ChatTemplates.solo7B().render(Conversation.of(Prompt.of("What is this?")), context);

        assertThat(padded.inputIds()).containsExactly(clean.inputIds());
    }

    @Test
    void solo7bPrependsTheSystemMessageToTheFirstUserText() {
        Conversation chat = Conversation.builder().system("Answer briefly.").user("Why?").assistant("Because.")
                .user("Really?").build();

        TokenSequence seq = ChatTemplates.solo7B().render(chat, context);

        assertThat(seq.inputIds()).startsWith(concat(ids(BOS), tokenizer.encode("[INST] Answer briefly.\n\nWhy? [/INST]")));
        assertThat(seq.inputIds()).endsWith(concat(ids(EOS), tokenizer.encode("[INST] Really? [/INST]")));
        assertThat(tokenizer.decode(seq.inputIds(), true)).containsOnlyOnce("Answer briefly.");
    }

    @Test
    void solo7bRefusesASystemMessageAfterTheLastUserTurn() {
        Conversation chat = Conversation.builder().user("Hi").system("Late.").build();

        assertThatThrownBy(() -> ChatTemplates.solo7B().render(chat, context)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("system");
    }

    @Test
    void solo7bPutsEachTurnsImagesFirstInTheirOrder() {
        Conversation chat = Conversation.builder()
                .user(Prompt.builder().text("Compare").image(TinySolo.image(64, 32, 1)).text("and")
                        .image(TinySolo.image(32, 64, 2)).build())
                .assistant("They differ.")
                .user(Prompt.builder().text("And this one?").image(TinySolo.image(32, 32, 3)).build())
                .build();

        TokenSequence seq = ChatTemplates.solo7B().render(chat, context);

        int[] firstImage = ids(VISION, VPATCH, VPATCH, VISION);
        int[] secondImage = ids(VISION, VPATCH, VROW_SEP, VPATCH, VISION); // two rows of one patch
        int[] thirdImage = ids(VISION, VPATCH, VISION);
        int[] firstTurn = tokenizer.encode("[INST] Compare\nand [/INST]");
        int[] answer = tokenizer.encode("They differ."); // tokenized on its own, as SOLO's fine-tuning code does
        assertThat(seq.inputIds()).containsExactly(concat(firstImage, secondImage, ids(BOS), firstTurn, answer, ids(EOS),
                thirdImage, tokenizer.encode("[INST] And this one? [/INST]")));
        assertThat(seq.grids()).containsExactly(new PatchGrid(1, 2, 32), new PatchGrid(2, 1, 32), new PatchGrid(1, 1, 32));
        assertThat(Arrays.stream(seq.patchIndices()).filter(i -> i >= 0)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void imageCloseTokenIsConfigurable() {
        ChatTemplate.Context paper = new ChatTemplate.Context(tokenizer, ImagePatcher.builder().patchSize(32).build(),
                ImageClose.VISION_END);

        TokenSequence seq = ChatTemplates.solo7B().render(
                Conversation.of(Prompt.builder().image(TinySolo.image(64, 32, 1)).text("Hi").build()), paper);

        assertThat(seq.inputIds()).startsWith(VISION, VPATCH, VPATCH, VISION_END, BOS);
    }

    @Test
    void plainTemplateKeepsPartsInOrderAfterBos() {
        Conversation chat = Conversation.of(Prompt.builder().text("Caption:").image(TinySolo.image(64, 32, 1))
                .text("A").build());

        TokenSequence seq = ChatTemplates.plain().render(chat, context);

        assertThat(seq.inputIds()).containsExactly(concat(ids(BOS), tokenizer.encode("Caption:"),
                ids(VISION, VPATCH, VPATCH, VISION), tokenizer.encode("A")));
        assertThat(targets(seq)).isEmpty();
    }

    @Test
    void plainTemplateMarksAssistantTextAndItsEosAsTargets() {
        Conversation chat = Conversation.builder().user("Caption:").assistant("A cat").build();

        TokenSequence seq = ChatTemplates.plain().render(chat, context);

        int[] question = tokenizer.encode("Caption:");
        int[] answer = tokenizer.encode("A cat");
        assertThat(seq.inputIds()).containsExactly(concat(ids(BOS), question, answer, ids(EOS)));
        int start = 1 + question.length;
        assertThat(targets(seq)).containsExactly(IntStream.rangeClosed(start, start + answer.length).toArray());
    }

    @Test
    void continuedConversationRendersAsTheBuiltOne() {
        Conversation built = Conversation.builder().user("What is this?").assistant("A cat.").user("What colour?").build();
        Conversation continued = Conversation.of(Prompt.of("What is this?")).continueWith("A cat.", Prompt.of("What colour?"));

        TokenSequence a = ChatTemplates.solo7B().render(built, context);
        TokenSequence b = ChatTemplates.solo7B().render(continued, context);

        assertThat(b.inputIds()).containsExactly(a.inputIds());
        assertThat(b.lossMask()).containsExactly(a.lossMask());
    }
}
