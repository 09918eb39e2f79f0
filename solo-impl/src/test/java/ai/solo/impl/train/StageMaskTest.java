package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.generate.ChatTemplates;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.image.ImagePatcher;
import ai.solo.impl.SharedTestData;
import ai.solo.impl.image.DefaultImagePatcher;
import ai.solo.impl.text.HfSoloTokenizer;
import ai.solo.text.ImageClose;
import ai.solo.text.TokenSequence;
import ai.solo.train.LossRule;
import ai.solo.train.TrainingSample;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which tokens carry loss in each stage, on real Mistral-tokenized examples (SPEC §4). */
class StageMaskTest {
    private static HfSoloTokenizer tokenizer;
    private static ExampleEncoder encoder;

    @BeforeAll
    static void load() {
        tokenizer = HfSoloTokenizer.load(SharedTestData.mistralTokenizer());
        ImagePatcher patcher = new DefaultImagePatcher(new ImagePatcher.Settings(32, 1024, 8192L * 8192, 1 << 20));
        encoder = new ExampleEncoder(tokenizer, patcher, ImageClose.VISION);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static Prompt image() {
        return Prompt.builder().image(new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB)).build();
    }

    /** @return the decoded text of the target tokens */
    private static String targets(TokenSequence seq) {
        List<Integer> ids = new ArrayList<>();
        for (int t = 0; t < seq.length(); t++) {
            if (seq.lossMask()[t]) {
                ids.add(seq.inputIds()[t]);
            }
        }
        return tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    private static boolean anyVisionTarget(TokenSequence seq) {
        for (int t = 0; t < seq.length(); t++) {
            if (seq.lossMask()[t] && (seq.patchIndices()[t] >= 0 || seq.inputIds()[t] >= 32000)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void stage1TrainsOnlyTheClassName() {
        TrainingSample label = new TrainingSample(Conversation.builder().user(image()).assistant("red star").build(),
                TrainingSample.Kind.CLASS_LABEL, "t");

        TokenSequence seq = encoder.encode(label, LossRule.ANSWERS_ONLY, ChatTemplates.solo7B());

        assertThat(targets(seq)).isEqualTo("red star</s>");
        assertThat(anyVisionTarget(seq)).isFalse();
        // the plain pre-training layout: <s>, then the image, then the label
        assertThat(seq.inputIds()[0]).isEqualTo(1);
        assertThat(seq.inputIds()[1]).isEqualTo(32000);
    }

    @Test
    void stage2TrainsOnEveryTextTokenButNeverVisionTokensOrBos() {
        TrainingSample caption = new TrainingSample(Conversation.builder()
                .user(Prompt.builder().image(new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB)).text("Page:").build())
                .assistant("<html>Hi</html>").build(), TrainingSample.Kind.CAPTION, "t");

        TokenSequence seq = encoder.encode(caption, LossRule.ALL_TEXT, ChatTemplates.solo7B());

        assertThat(targets(seq)).isEqualTo("Page: <html>Hi</html></s>");
        assertThat(anyVisionTarget(seq)).isFalse();
        assertThat(seq.lossMask()[seq.length() - 1]).isTrue();
    }

    @Test
    void sftTrainsOnlyTheAssistantAnswersWithTheirEos() {
        TrainingSample chat = new TrainingSample(Conversation.builder()
                .user(Prompt.builder().image(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB)).text("What is it?").build())
                .assistant("A box.").user("Colour?").assistant("Black.").build(), TrainingSample.Kind.CONVERSATION, "t");

        TokenSequence seq = encoder.encode(chat, LossRule.ANSWERS_ONLY, ChatTemplates.solo7B());

        assertThat(targets(seq)).isEqualTo("A box.</s> Black.</s>");
        assertThat(tokenizer.decode(seq.inputIds(), false)).contains("[INST] What is it? [/INST] A box.</s>");
        assertThat(anyVisionTarget(seq)).isFalse();
    }

    @Test
    void textOnlyBlendTrainsOnTheWholeText() {
        TrainingSample text = new TrainingSample(Conversation.builder().assistant("Plain text line.").build(),
                TrainingSample.Kind.TEXT, "t");

        TokenSequence seq = encoder.encode(text, LossRule.ALL_TEXT, ChatTemplates.solo7B());

        assertThat(targets(seq)).isEqualTo("Plain text line.</s>");
        assertThat(seq.lossMask()[0]).isFalse(); // <s>
    }
}
