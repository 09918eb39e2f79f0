package ai.solo.examples.quickstart;

import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.TrainingSample;
import java.awt.image.BufferedImage;

/**
 * A question about a picture with its ground truth: what {@link SyntheticData#sft} trains on and
 * {@link SyntheticData#evaluationSet} evaluates, before the picture is rendered.
 *
 * @param picture what the image shows
 * @param question the question, e.g. {@code "How many shapes are there?"}
 * @param answer the canonical short answer, e.g. {@code "3"}
 * @param category one of {@link EvalItem#CATEGORIES}
 */
public record VisualQuestion(Picture picture, String question, String answer, String category) {

    /** @return the picture rendered, then the question, as an evaluation item */
    public EvalItem toEvalItem() {
        return new EvalItem(prompt(picture.render()), question, answer, category);
    }

    /**
     * @param origin a label for error messages
     * @return a one-exchange SFT conversation: user = image and question, assistant = answer
     */
    public TrainingSample toSample(String origin) {
        return toSample(picture.render(), origin);
    }

    TrainingSample toSample(BufferedImage image, String origin) {
        Conversation chat = Conversation.builder().user(prompt(image)).assistant(answer).build();
        return new TrainingSample(chat, TrainingSample.Kind.CONVERSATION, origin);
    }

    private Prompt prompt(BufferedImage image) {
        return Prompt.builder().image(image).text(question).build();
    }
}
