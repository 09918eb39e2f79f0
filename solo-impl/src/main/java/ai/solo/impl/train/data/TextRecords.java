package ai.solo.impl.train.data;

import ai.solo.generate.Conversation;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Maps {@code {"text": "..."}} records to {@link TrainingSample.Kind#TEXT} samples (one assistant
 * turn). A missing, non-string or blank {@code text} is malformed.
 */
final class TextRecords implements JsonRecordSource.RecordMapper {

    @Override
    public TrainingSample map(JsonNode record, String origin) throws MalformedRecordException {
        JsonFields.requireObject(record);
        String text = JsonFields.requireString(record, "text", "record");
        if (text.isBlank()) {
            throw new MalformedRecordException("empty \"text\"");
        }
        return text(text, origin);
    }

    /**
     * @param text the text to learn
     * @param origin where it comes from
     * @return a sample of one assistant turn
     */
    static TrainingSample text(String text, String origin) {
        return new TrainingSample(Conversation.builder().assistant(text).build(), TrainingSample.Kind.TEXT, origin);
    }
}
