package ai.solo.generate;

import ai.solo.InvalidInputException;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.TokenSequence;
import java.util.List;

/**
 * The built-in {@link ChatTemplate}s.
 *
 * <ul>
 *   <li>{@link #solo7B()}: SOLO-7B's fine-tuning format (SPEC §3), Mistral's instruction format
 *       with each turn's images first.</li>
 *   <li>{@link #plain()}: parts in order after {@code <s>}, no role markers; for pre-trained
 *       (not instruction-tuned) checkpoints, e.g. captioning.</li>
 * </ul>
 */
public final class ChatTemplates {
    private ChatTemplates() {
    }

    /**
     * SOLO-7B's format: {@code [images] <s>[INST] q [/INST]a</s>[images][INST] q2 [/INST]...}.
     * A system message is prepended to the first user turn's text, separated by a blank line,
     * as Mistral's template does (Mistral has no system role). As in SOLO's released
     * fine-tuning code, the question is stripped and each piece is tokenized on its own:
     * {@code "[INST] " + q.strip() + " [/INST]"}, then the answer (so it starts with a
     * word-initial piece, e.g. {@code ▁A}), marked as a training target with its {@code </s>}.
     *
     * @return the template
     */
    public static ChatTemplate solo7B() {
        return ChatTemplates::renderSolo7B;
    }

    /**
     * {@code <s>} then every part in order: text as is, images as their patch layout; assistant
     * turns are training targets ended by {@code </s>}.
     *
     * @return the template
     */
    public static ChatTemplate plain() {
        return ChatTemplates::renderPlain;
    }

    private static TokenSequence renderSolo7B(Conversation conversation, ChatTemplate.Context ctx) {
        SequenceBuilder seq = SequenceBuilder.create(ctx.tokenizer(), ctx.imageClose());
        List<Conversation.Message> messages = conversation.messages();
        String system = null;
        boolean started = false;
        for (int i = 0; i < messages.size(); i++) {
            Conversation.Message m = messages.get(i);
            switch (m.role()) {
                case SYSTEM -> system = system == null ? m.text() : system + "\n\n" + m.text();
                case USER -> {
                    for (Prompt.Part part : m.content().parts()) {
                        if (part instanceof Prompt.Image image) {
                            seq.image(ctx.patches(image.source()));
                        }
                    }
                    if (!started) {
                        seq.bos();
                        started = true;
                    }
                    String question = system == null ? m.text().strip() : system + "\n\n" + m.text().strip();
                    system = null;
                    seq.text("[INST] " + question + " [/INST]", false);
                    if (i + 1 < messages.size() && messages.get(i + 1).role() == Conversation.Role.ASSISTANT) {
                        i++;
                        seq.text(messages.get(i).text(), true).eos(true);
                    }
                }
                case ASSISTANT -> {
                    if (!started) {
                        seq.bos();
                        started = true;
                    }
                    seq.text(m.text(), true).eos(true);
                }
                default -> throw new InvalidInputException("unknown role " + m.role());
            }
        }
        if (system != null) {
            throw new InvalidInputException("a system message must come before a user turn");
        }
        return seq.build();
    }

    private static TokenSequence renderPlain(Conversation conversation, ChatTemplate.Context ctx) {
        SequenceBuilder seq = SequenceBuilder.create(ctx.tokenizer(), ctx.imageClose()).bos();
        for (Conversation.Message m : conversation.messages()) {
            boolean answer = m.role() == Conversation.Role.ASSISTANT;
            for (Prompt.Part part : m.content().parts()) {
                if (part instanceof Prompt.Image image) {
                    seq.image(ctx.patches(image.source()));
                } else {
                    seq.text(((Prompt.Text) part).text(), answer);
                }
            }
            if (answer) {
                seq.eos(true);
            }
        }
        return seq.build();
    }
}
