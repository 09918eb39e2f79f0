package ai.solo.impl.train.data;

import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Maps SOLO pre-training records (OpenAI chat format), {@code {"messages": [{"role": "assistant",
 * "content": [{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}},
 * {"type": "text", "text": "caption"}]}]}}, to {@link TrainingSample.Kind#CAPTION} samples: every
 * image, in order, goes into one user turn, and every text part, joined with {@code \n}, into one
 * assistant turn, the text to learn. Roles do not matter: SOLO's pre-training files put image and
 * caption in the same message. A {@code content} may also be a plain string.
 *
 * <p>A record without images becomes a {@link TrainingSample.Kind#TEXT} sample (text-only blend).
 * Images are not decoded here (the trainer patches them lazily); a URL must only look like a
 * base64 image data URL. Malformed: no {@code messages}, unknown part types, a bad URL, no text.
 */
final class PretrainingRecords implements JsonRecordSource.RecordMapper {

    @Override
    public TrainingSample map(JsonNode record, String origin) throws MalformedRecordException {
        JsonFields.requireObject(record);
        JsonNode messages = JsonFields.requireArray(record, "messages", "record");
        if (messages.isEmpty()) {
            throw new MalformedRecordException("empty \"messages\"");
        }
        List<String> images = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int m = 0; m < messages.size(); m++) {
            JsonNode message = messages.get(m);
            String where = "messages[" + m + "]";
            if (!message.isObject()) {
                throw new MalformedRecordException(where + " is not an object (got "
                        + JsonFields.describe(message) + ")");
            }
            JsonNode content = message.get("content");
            if (content == null || content.isNull()) {
                throw new MalformedRecordException(where + " has no \"content\"");
            } else if (content.isTextual()) {
                texts.add(content.textValue());
            } else if (content.isArray()) {
                for (int p = 0; p < content.size(); p++) {
                    readPart(content.get(p), where + ".content[" + p + "]", images, texts);
                }
            } else {
                throw new MalformedRecordException(where + " \"content\" must be a string or an array, got "
                        + JsonFields.describe(content));
            }
        }
        String text = String.join("\n", texts);
        if (text.isBlank()) {
            throw new MalformedRecordException("no text to learn (no non-empty \"text\" part)");
        }
        if (images.isEmpty()) {
            return new TrainingSample(Conversation.builder().assistant(text).build(), TrainingSample.Kind.TEXT, origin);
        }
        Prompt.Builder user = Prompt.builder();
        images.forEach(user::imageDataUrl);
        Conversation conversation = Conversation.builder().user(user.build()).assistant(text).build();
        return new TrainingSample(conversation, TrainingSample.Kind.CAPTION, origin);
    }

    private static void readPart(JsonNode part, String where, List<String> images, List<String> texts)
            throws MalformedRecordException {
        if (!part.isObject()) {
            throw new MalformedRecordException(where + " is not an object (got " + JsonFields.describe(part) + ")");
        }
        String type = JsonFields.requireString(part, "type", where);
        switch (type) {
            case "text" -> texts.add(JsonFields.requireString(part, "text", where));
            case "image_url" -> images.add(checkedDataUrl(imageUrl(part, where), where));
            default -> throw new MalformedRecordException(where + " has unknown \"type\": \"" + type
                    + "\" (expected text or image_url)");
        }
    }

    private static String imageUrl(JsonNode part, String where) throws MalformedRecordException {
        JsonNode imageUrl = part.get("image_url");
        if (imageUrl != null && imageUrl.isTextual()) {
            return imageUrl.textValue(); // a shorthand some writers use
        }
        if (imageUrl == null || !imageUrl.isObject()) {
            throw new MalformedRecordException(where + " has no \"image_url\" object");
        }
        return JsonFields.requireString(imageUrl, "url", where + ".image_url");
    }

    private static String checkedDataUrl(String url, String where) throws MalformedRecordException {
        int comma = url.indexOf(',');
        String header = comma < 0 ? url : url.substring(0, comma + 1);
        String lower = header.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("data:image/") || !lower.endsWith(";base64,")) {
            String shown = header.length() > 40 ? header.substring(0, 40) + "..." : header;
            throw new MalformedRecordException(where + " image URL is not a base64 image data URL"
                    + " (expected data:image/...;base64,...): " + shown);
        }
        return url;
    }
}
