package ai.solo.impl.train.data;

import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps LLaVA records, {@code {"image": "rel/path.jpg", "conversations": [{"from": "human",
 * "value": "<image>\nQuestion"}, {"from": "gpt", "value": "Answer"}]}}, to
 * {@link TrainingSample.Kind#CONVERSATION} samples.
 *
 * <p>{@code human} turns become user turns, {@code gpt} assistant turns, {@code system} system
 * turns. The image goes where the {@code <image>} placeholder stands in a human turn (the
 * placeholder and one newline right after it are removed); without a placeholder it goes first
 * in the first human turn. {@code "image"} is optional: text-only records exist. Malformed: no or
 * empty {@code conversations}, an unknown {@code from}, a non-string {@code value}, no assistant
 * turn with text, a placeholder without an image, more than one placeholder, a placeholder
 * outside a human turn, and image paths {@link ImageRoot} refuses.
 */
final class LlavaRecords implements JsonRecordSource.RecordMapper {
    static final String PLACEHOLDER = "<image>";

    private final ImageRoot images;

    /** @param images the folder image paths resolve against */
    LlavaRecords(ImageRoot images) {
        this.images = images;
    }

    private record Turn(Conversation.Role role, String value) {
    }

    @Override
    public TrainingSample map(JsonNode record, String origin) throws MalformedRecordException {
        JsonFields.requireObject(record);
        String image = JsonFields.optionalString(record, "image", "record");
        List<Turn> turns = readTurns(JsonFields.requireArray(record, "conversations", "record"));
        int placeholders = checkPlaceholders(turns);
        if (placeholders > 0 && image == null) {
            throw new MalformedRecordException("a human turn has an " + PLACEHOLDER
                    + " placeholder but the record has no \"image\"");
        }
        // Resolve the image last: the structural checks above are cheaper than file system calls.
        Path imageFile = image == null ? null : images.resolve(image);

        List<Conversation.Message> messages = new ArrayList<>(turns.size());
        boolean imagePlaced = false;
        for (Turn turn : turns) {
            Prompt content;
            if (turn.role() == Conversation.Role.USER) {
                int at = turn.value().indexOf(PLACEHOLDER);
                if (at >= 0) {
                    content = promptWithImageAt(turn.value(), at, imageFile);
                    imagePlaced = true;
                } else if (imageFile != null && !imagePlaced && placeholders == 0) {
                    content = imageFirst(turn.value(), imageFile);
                    imagePlaced = true;
                } else {
                    content = Prompt.of(turn.value());
                }
            } else {
                content = Prompt.of(turn.value());
            }
            messages.add(new Conversation.Message(turn.role(), content));
        }
        if (imageFile != null && !imagePlaced) {
            throw new MalformedRecordException("the record has an image but no human turn to put it in");
        }
        return new TrainingSample(new Conversation(messages), TrainingSample.Kind.CONVERSATION, origin);
    }

    private static List<Turn> readTurns(JsonNode conversations) throws MalformedRecordException {
        if (conversations.isEmpty()) {
            throw new MalformedRecordException("empty \"conversations\"");
        }
        List<Turn> turns = new ArrayList<>(conversations.size());
        boolean assistantText = false;
        for (int i = 0; i < conversations.size(); i++) {
            JsonNode node = conversations.get(i);
            String where = "conversations[" + i + "]";
            if (!node.isObject()) {
                throw new MalformedRecordException(where + " is not an object (got " + JsonFields.describe(node) + ")");
            }
            String from = JsonFields.requireString(node, "from", where);
            String value = JsonFields.requireString(node, "value", where);
            Conversation.Role role = switch (from) {
                case "human" -> Conversation.Role.USER;
                case "gpt" -> Conversation.Role.ASSISTANT;
                case "system" -> Conversation.Role.SYSTEM;
                default -> throw new MalformedRecordException(where + " has unknown \"from\": \"" + from
                        + "\" (expected human, gpt or system)");
            };
            assistantText |= role == Conversation.Role.ASSISTANT && !value.isBlank();
            turns.add(new Turn(role, value));
        }
        if (!assistantText) {
            throw new MalformedRecordException("no assistant (\"gpt\") turn with text to learn");
        }
        return turns;
    }

    /** @return how many placeholders the turns hold: 0 or 1, else the record is malformed */
    private static int checkPlaceholders(List<Turn> turns) throws MalformedRecordException {
        int count = 0;
        for (int i = 0; i < turns.size(); i++) {
            Turn turn = turns.get(i);
            int at = turn.value().indexOf(PLACEHOLDER);
            if (at < 0) {
                continue;
            }
            if (turn.role() != Conversation.Role.USER) {
                throw new MalformedRecordException("conversations[" + i + "] has an " + PLACEHOLDER
                        + " placeholder outside a human turn");
            }
            count += turn.value().indexOf(PLACEHOLDER, at + PLACEHOLDER.length()) >= 0 ? 2 : 1;
        }
        if (count > 1) {
            throw new MalformedRecordException("more than one " + PLACEHOLDER + " placeholder for one image");
        }
        return count;
    }

    private static Prompt promptWithImageAt(String value, int at, Path imageFile) {
        String before = value.substring(0, at);
        int after = at + PLACEHOLDER.length();
        if (value.startsWith("\r\n", after)) {
            after += 2;
        } else if (value.startsWith("\n", after)) {
            after += 1;
        }
        String rest = value.substring(after);
        Prompt.Builder prompt = Prompt.builder();
        if (!before.isEmpty()) {
            prompt.text(before);
        }
        prompt.image(imageFile);
        if (!rest.isEmpty()) {
            prompt.text(rest);
        }
        return prompt.build();
    }

    private static Prompt imageFirst(String value, Path imageFile) {
        Prompt.Builder prompt = Prompt.builder().image(imageFile);
        if (!value.isEmpty()) {
            prompt.text(value);
        }
        return prompt.build();
    }
}
