package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.parts;
import static ai.solo.impl.train.data.DataFixtures.turns;
import static ai.solo.impl.train.data.DataFixtures.write;
import static ai.solo.impl.train.data.DataFixtures.writeGzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainingReaderTest {
    private static final String RED = "data:image/png;base64,iVBORw0KGgo=";
    private static final String BLUE = "data:image/jpeg;base64,/9j/4AAQ";

    @TempDir
    Path dir;

    private static String imagePart(String url) {
        return "{\"type\": \"image_url\", \"image_url\": {\"url\": \"" + url + "\"}}";
    }

    private static String textPart(String text) {
        return "{\"type\": \"text\", \"text\": \"" + text + "\"}";
    }

    @Test
    void putsImagesInAUserTurnAndJoinsTextsIntoTheCaption() throws Exception {
        Path file = write(dir.resolve("pretrain.jsonl"), "{\"messages\": [{\"role\": \"assistant\", \"content\": ["
                + imagePart(RED) + ", " + textPart("a red square") + ", " + imagePart(BLUE) + ", "
                + textPart("and a blue one") + "]}]}\n");

        try (SampleSource source = SampleReaders.read(DataFormat.SOLO_PRETRAINING, file, null, MalformedRecords.FAIL)) {
            List<TrainingSample> samples = all(source);

            assertThat(samples).hasSize(1);
            TrainingSample sample = samples.get(0);
            assertThat(sample.kind()).isEqualTo(TrainingSample.Kind.CAPTION);
            assertThat(sample.origin()).isEqualTo("pretrain.jsonl:1");
            assertThat(parts(sample.conversation().messages().get(0))).containsExactly("image:" + RED, "image:" + BLUE);
            assertThat(turns(sample)).containsExactly("USER:", "ASSISTANT:a red square\nand a blue one");
        }
    }

    @Test
    void readsStringContentAndTextOnlyRecords() throws Exception {
        Path file = write(dir.resolve("pretrain.jsonl"), String.join("\n",
                "{\"messages\": [{\"role\": \"user\", \"content\": [" + imagePart(RED) + "]},"
                        + " {\"role\": \"assistant\", \"content\": \"caption as a string\"}]}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": \"just text\"}]}"));

        try (SampleSource source = SampleReaders.read(DataFormat.SOLO_PRETRAINING, file, null, MalformedRecords.FAIL)) {
            List<TrainingSample> samples = all(source);

            assertThat(samples).extracting(TrainingSample::kind)
                    .containsExactly(TrainingSample.Kind.CAPTION, TrainingSample.Kind.TEXT);
            assertThat(turns(samples.get(0))).containsExactly("USER:", "ASSISTANT:caption as a string");
            assertThat(turns(samples.get(1))).containsExactly("ASSISTANT:just text");
        }
    }

    @Test
    void readsGzippedFiles() throws Exception {
        String line = "{\"messages\": [{\"role\": \"assistant\", \"content\": [" + imagePart(RED) + ", "
                + textPart("zipped") + "]}]}\n";
        Path file = writeGzip(dir.resolve("pretrain.jsonl.gz"), (line + line).getBytes(StandardCharsets.UTF_8));

        try (SampleSource source = SampleReaders.read(DataFormat.SOLO_PRETRAINING, file, null, MalformedRecords.FAIL)) {
            assertThat(origins(all(source))).containsExactly("pretrain.jsonl.gz:1", "pretrain.jsonl.gz:2");
        }
    }

    @Test
    void skipsRecordsWithoutTextOrWithBadImages() throws Exception {
        Path file = write(dir.resolve("pretrain.jsonl"), String.join("\n",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": [" + imagePart(RED) + "]}]}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": [" + imagePart("https://example.com/a.png")
                        + ", " + textPart("remote") + "]}]}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": [" + imagePart("data:text/plain;base64,aGk=")
                        + ", " + textPart("not an image") + "]}]}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": [{\"type\": \"audio\"}, " + textPart("x") + "]}]}",
                "{\"messages\": []}",
                "{\"text\": \"wrong format\"}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": [" + imagePart(RED) + ", " + textPart("good")
                        + "]}]}"));

        try (SampleSource source = SampleReaders.read(DataFormat.SOLO_PRETRAINING, file, null, MalformedRecords.SKIP)) {
            assertThat(origins(all(source))).containsExactly("pretrain.jsonl:7");
            assertThat(source.skippedRecords()).isEqualTo(6);
        }
        try (SampleSource source = SampleReaders.read(DataFormat.SOLO_PRETRAINING, file, null, MalformedRecords.FAIL)) {
            assertThatThrownBy(() -> all(source)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("pretrain.jsonl:1").hasMessageContaining("no text");
        }
    }
}
