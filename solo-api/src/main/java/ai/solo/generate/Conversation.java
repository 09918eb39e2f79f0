package ai.solo.generate;

import ai.solo.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat: system, user and assistant turns, user turns with text and image parts. Rendered into
 * model input by a {@link ChatTemplate}; a conversation ending with a user turn asks the model
 * for the next assistant turn.
 *
 * <pre>{@code
 * Conversation chat = Conversation.builder()
 *         .user(Prompt.builder().image(Path.of("chart.png")).text("Which bar is highest?").build())
 *         .assistant("Bar B.")
 *         .user("And the lowest?")
 *         .build();
 * }</pre>
 *
 * @param messages the turns in order, at least one
 */
public record Conversation(List<Message> messages) {

    /**
     * Copies and validates the turns.
     *
     * @param messages the turns in order
     */
    public Conversation {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidInputException("a conversation needs at least one message");
        }
        messages = List.copyOf(messages);
    }

    /**
     * @param prompt the user's one message
     * @return a conversation of one user turn
     */
    public static Conversation of(Prompt prompt) {
        return builder().user(prompt).build();
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param reply the model's answer to append
     * @param next the user's next message
     * @return this conversation continued by two turns
     */
    public Conversation continueWith(String reply, Prompt next) {
        List<Message> more = new ArrayList<>(messages);
        more.add(new Message(Role.ASSISTANT, Prompt.of(reply)));
        more.add(new Message(Role.USER, next));
        return new Conversation(more);
    }

    /** Who speaks a turn. */
    public enum Role {
        /** Instructions for the model, rendered before the first user turn. */
        SYSTEM,
        /** The user; may include images. */
        USER,
        /** The model. */
        ASSISTANT
    }

    /**
     * One turn.
     *
     * @param role who speaks
     * @param content text and images of the turn (system and assistant turns are text only)
     */
    public record Message(Role role, Prompt content) {
        /**
         * Validates the turn.
         *
         * @param role who speaks
         * @param content text and images
         */
        public Message {
            if (role == null || content == null) {
                throw new InvalidInputException("message role and content must not be null");
            }
            if (role != Role.USER && content.parts().stream().anyMatch(p -> p instanceof Prompt.Image)) {
                throw new InvalidInputException(role + " messages hold text only; images belong in user turns");
            }
        }

        /** @return the text parts joined with newlines */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (Prompt.Part part : content.parts()) {
                if (part instanceof Prompt.Text t) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(t.text());
                }
            }
            return sb.toString();
        }
    }

    /** Builds a {@link Conversation} turn by turn. Not thread-safe. */
    public static final class Builder {
        private final List<Message> messages = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param text system instructions
         * @return this builder
         */
        public Builder system(String text) {
            messages.add(new Message(Role.SYSTEM, Prompt.of(text)));
            return this;
        }

        /**
         * @param text the user's text
         * @return this builder
         */
        public Builder user(String text) {
            return user(Prompt.of(text));
        }

        /**
         * @param prompt the user's text and images
         * @return this builder
         */
        public Builder user(Prompt prompt) {
            messages.add(new Message(Role.USER, prompt));
            return this;
        }

        /**
         * @param text the model's earlier answer
         * @return this builder
         */
        public Builder assistant(String text) {
            messages.add(new Message(Role.ASSISTANT, Prompt.of(text)));
            return this;
        }

        /**
         * @return the conversation
         * @throws InvalidInputException if it has no message
         */
        public Conversation build() {
            return new Conversation(messages);
        }
    }
}
