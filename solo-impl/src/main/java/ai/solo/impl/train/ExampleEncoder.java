package ai.solo.impl.train;

import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.image.ImagePatcher;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import ai.solo.train.LossRule;
import ai.solo.train.TrainingSample;

/**
 * Lays a training sample out as tokens and decides which tokens carry loss (SPEC §4):
 * conversations with the stage's chat template, labels, captions and text with the plain
 * layout ({@code [image] <s> text </s>}). {@link LossRule#ANSWERS_ONLY} keeps the template's
 * targets (assistant answers and their {@code </s>}); {@link LossRule#ALL_TEXT} makes every
 * text token a target. Never {@code <s>}, image patches or vision tokens.
 */
final class ExampleEncoder {
    private final SoloTokenizer tokenizer;
    private final ChatTemplate.Context context;
    private final VisionTokens vision;
    private final int[] appended;

    ExampleEncoder(SoloTokenizer tokenizer, ImagePatcher patcher, ImageClose imageClose) {
        this.tokenizer = tokenizer;
        this.context = new ChatTemplate.Context(tokenizer, patcher, imageClose);
        this.vision = tokenizer.visionTokens();
        this.appended = tokenizer.appendedTokenIds();
    }

    /**
     * @param sample the sample
     * @param rule which tokens carry loss
     * @param template the chat format of conversation samples
     * @return the laid-out sample with its loss mask
     */
    TokenSequence encode(TrainingSample sample, LossRule rule, ChatTemplate template) {
        ChatTemplate layout = sample.kind() == TrainingSample.Kind.CONVERSATION ? template : ChatTemplates.plain();
        TokenSequence seq = layout.render(sample.conversation(), context);
        if (rule == LossRule.ALL_TEXT) {
            boolean[] mask = seq.lossMask().clone();
            int[] ids = seq.inputIds();
            for (int t = 0; t < ids.length; t++) {
                mask[t] = seq.patchIndices()[t] < 0 && !isVisionOrBos(ids[t]);
            }
            seq = new TokenSequence(ids, seq.patchIndices(), mask, seq.patches(), seq.patchDim(), seq.grids());
        }
        return seq;
    }

    private boolean isVisionOrBos(int id) {
        if (id == tokenizer.bosTokenId() || vision.isVisionToken(id)) {
            return true;
        }
        return java.util.Arrays.binarySearch(appended, id) >= 0 && id != tokenizer.eosTokenId();
    }
}
