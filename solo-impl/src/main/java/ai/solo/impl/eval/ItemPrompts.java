package ai.solo.impl.eval;

import ai.solo.eval.AnswerMetrics;
import ai.solo.eval.BenchmarkItem;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The user turns an evaluator asks a benchmark item with: the image first (as SOLO-7B's
 * fine-tuning data has it), then the question, the choices listed one per line as
 * {@code A. text}, and an optional instruction line. Stateless and thread-safe.
 */
final class ItemPrompts {
    private final boolean listChoices;
    private final String choiceInstruction;
    private final String answerInstruction;

    /**
     * @param listChoices whether choices are scored after a prompt listing them, or after the question alone
     * @param choiceInstruction line after the choices when a letter is generated; empty for none
     * @param answerInstruction line after a short-answer question; empty for none
     */
    ItemPrompts(boolean listChoices, String choiceInstruction, String answerInstruction) {
        this.listChoices = listChoices;
        this.choiceInstruction = choiceInstruction;
        this.answerInstruction = answerInstruction;
    }

    /**
     * @param item a multiple-choice item
     * @return the prompt its choices are scored after: the question and its choices, or the
     *     question alone (cloze formulation)
     */
    Conversation choices(BenchmarkItem item) {
        return turn(item, listChoices ? listed(item) : item.question().strip());
    }

    /**
     * @param item a multiple-choice item
     * @return the question, its choices and the letter instruction, the prompt a letter is generated for
     */
    Conversation letter(BenchmarkItem item) {
        return turn(item, withLine(listed(item), choiceInstruction));
    }

    /**
     * @param item a short-answer item
     * @return the question and the answer instruction
     */
    Conversation shortAnswer(BenchmarkItem item) {
        return turn(item, withLine(item.question(), answerInstruction));
    }

    /** @return {@code question\nA. c0\nB. c1...} */
    static String listed(BenchmarkItem item) {
        StringBuilder sb = new StringBuilder(item.question().strip());
        List<String> choices = item.choices();
        for (int i = 0; i < choices.size(); i++) {
            sb.append('\n').append(AnswerMetrics.letter(i)).append(". ").append(choices.get(i).strip());
        }
        return sb.toString();
    }

    private static String withLine(String text, String line) {
        return line.isEmpty() ? text : text + "\n" + line;
    }

    private static Conversation turn(BenchmarkItem item, String text) {
        List<Prompt.Part> parts = new ArrayList<>(2);
        if (item.image() != null) {
            parts.add(new Prompt.Image(item.image()));
        }
        parts.add(new Prompt.Text(text));
        return Conversation.of(new Prompt(parts));
    }
}
