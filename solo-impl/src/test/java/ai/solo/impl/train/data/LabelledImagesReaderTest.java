package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.parts;
import static ai.solo.impl.train.data.DataFixtures.png;
import static ai.solo.impl.train.data.DataFixtures.turns;
import static ai.solo.impl.train.data.DataFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledImagesReaderTest {
    @TempDir
    Path dir;

    @Test
    void mapsImageAndLabelToAClassLabelSample() throws Exception {
        Path star = png(dir.resolve("img/star.png"));
        Path file = write(dir.resolve("labels.jsonl"), "{\"image\": \"img/star.png\", \"label\": \"red star\"}\n");

        try (SampleSource source = SampleReaders.read(DataFormat.LABELLED_IMAGES, file, null, MalformedRecords.FAIL)) {
            List<TrainingSample> samples = all(source);

            assertThat(samples).hasSize(1);
            assertThat(samples.get(0).kind()).isEqualTo(TrainingSample.Kind.CLASS_LABEL);
            assertThat(samples.get(0).origin()).isEqualTo("labels.jsonl:1");
            assertThat(turns(samples.get(0))).containsExactly("USER:", "ASSISTANT:red star");
            assertThat(parts(samples.get(0).conversation().messages().get(0))).containsExactly("image:" + star);
        }
    }

    @Test
    void skipsBadPathsMissingImagesAndBlankLabels() throws Exception {
        png(dir.resolve("img/star.png"));
        Path file = write(dir.resolve("data/labels.jsonl"), String.join("\n",
                "{\"image\": \"../img/star.png\", \"label\": \"star\"}",
                "{\"image\": \"" + dir.resolve("img/star.png") + "\", \"label\": \"star\"}",
                "{\"image\": \"img/none.png\", \"label\": \"star\"}",
                "{\"image\": \"img/star.png\", \"label\": \" \"}",
                "{\"image\": \"img/star.png\"}",
                "{\"image\": \"img/star.png\", \"label\": \"star\"}"));

        try (SampleSource source = SampleReaders.read(DataFormat.LABELLED_IMAGES, file, dir, MalformedRecords.SKIP)) {
            assertThat(origins(all(source))).containsExactly("labels.jsonl:6");
            assertThat(source.skippedRecords()).isEqualTo(5);
        }
    }
}
