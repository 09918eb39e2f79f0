package ai.solo.impl.train.data;

import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Maps {@code {"image": "rel/path.jpg", "label": "red star"}} records to
 * {@link TrainingSample.Kind#CLASS_LABEL} samples: the image as the user turn, the label as the
 * assistant turn. Image paths are checked by {@link ImageRoot}; a blank label is malformed.
 */
final class LabelledImageRecords implements JsonRecordSource.RecordMapper {
    private final ImageRoot images;

    /** @param images the folder image paths resolve against */
    LabelledImageRecords(ImageRoot images) {
        this.images = images;
    }

    @Override
    public TrainingSample map(JsonNode record, String origin) throws MalformedRecordException {
        JsonFields.requireObject(record);
        String image = JsonFields.requireString(record, "image", "record");
        String label = JsonFields.requireString(record, "label", "record");
        if (label.isBlank()) {
            throw new MalformedRecordException("empty \"label\"");
        }
        return classLabel(images.resolve(image), label, origin);
    }

    /**
     * @param image the image file
     * @param label its class name
     * @param origin where the sample comes from
     * @return the sample: user turn = the image, assistant turn = the label
     */
    static TrainingSample classLabel(Path image, String label, String origin) {
        Conversation conversation = Conversation.builder()
                .user(Prompt.builder().image(image).build())
                .assistant(label)
                .build();
        return new TrainingSample(conversation, TrainingSample.Kind.CLASS_LABEL, origin);
    }
}
