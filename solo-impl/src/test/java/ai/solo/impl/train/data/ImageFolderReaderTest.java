package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.parts;
import static ai.solo.impl.train.data.DataFixtures.png;
import static ai.solo.impl.train.data.DataFixtures.turns;
import static ai.solo.impl.train.data.DataFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    @TempDir
    Path dir;

    @Test
    void labelsImagesWithTheirFolderNameInSortedOrder() throws Exception {
        Path root = dir.resolve("shapes");
        png(root.resolve("red_star/b.png"));
        png(root.resolve("red_star/a.PNG"));
        Files.copy(png(dir.resolve("tmp.png")), Files.createDirectories(root.resolve("blue_circle")).resolve("x.JPEG"));
        png(root.resolve("blue_circle/.hidden.png"));
        write(root.resolve("blue_circle/notes.txt"), "not an image");
        png(root.resolve("loose.png"));
        png(root.resolve(".cache/c.png"));

        try (SampleSource source = SampleReaders.read(DataFormat.IMAGE_FOLDER, root, null, MalformedRecords.FAIL)) {
            List<TrainingSample> samples = all(source);

            assertThat(source.name()).isEqualTo("shapes");
            assertThat(origins(samples)).containsExactly(
                    "shapes/blue_circle/x.JPEG", "shapes/red_star/a.PNG", "shapes/red_star/b.png");
            assertThat(samples).extracting(TrainingSample::kind).containsOnly(TrainingSample.Kind.CLASS_LABEL);
            assertThat(turns(samples.get(0))).containsExactly("USER:", "ASSISTANT:blue circle");
            assertThat(turns(samples.get(2))).containsExactly("USER:", "ASSISTANT:red star");
            assertThat(parts(samples.get(1).conversation().messages().get(0)))
                    .containsExactly("image:" + root.resolve("red_star/a.PNG"));
        }
    }

    @Test
    void refusesSymlinksLeadingOutsideTheFolder() throws Exception {
        Path outside = png(dir.resolve("outside/secret.png"));
        Path root = dir.resolve("classes");
        png(root.resolve("cat/real.png"));
        Files.createSymbolicLink(root.resolve("cat/sneaky.png"), outside);
        Files.createSymbolicLink(root.resolve("cat/alias.png"), root.resolve("cat/real.png"));
        Files.createSymbolicLink(root.resolve("dog"), outside.getParent());

        try (SampleSource source = SampleReaders.read(DataFormat.IMAGE_FOLDER, root, null, MalformedRecords.SKIP)) {
            assertThat(origins(all(source))).containsExactly("classes/cat/alias.png", "classes/cat/real.png");
            assertThat(source.skippedRecords()).isEqualTo(2);
        }
        try (SampleSource source = SampleReaders.read(DataFormat.IMAGE_FOLDER, root, null, MalformedRecords.FAIL)) {
            assertThatThrownBy(() -> all(source)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(root.resolve("cat/sneaky.png").toString()).hasMessageContaining("outside");
        }
    }

    @Test
    void missingOrNonFolderPathFailsAtReadTime() throws Exception {
        Path file = write(dir.resolve("file.txt"), "x");

        assertThatThrownBy(() -> SampleReaders.read(DataFormat.IMAGE_FOLDER, dir.resolve("none"), null, MalformedRecords.SKIP))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not found").hasMessageContaining("none");
        assertThatThrownBy(() -> SampleReaders.read(DataFormat.IMAGE_FOLDER, file, null, MalformedRecords.SKIP))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be a folder");
    }
}
