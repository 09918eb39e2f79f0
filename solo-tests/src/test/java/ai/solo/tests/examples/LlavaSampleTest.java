package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.examples.finetune.MakeLlavaSample;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.TrainingSample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLaVA sample shipped in solo-examples/data: readable by the SDK, complete, and reproducible. */
class LlavaSampleTest {
    @TempDir
    Path dir;

    @Test
    void hundredRecordsParseAndEveryImageExists() {
        Path sample = ExampleFixtures.llavaSample();
        int records = 0;
        try (SampleSource source = SampleSources.read(DataFormat.LLAVA, sample.resolve("train.json"),
                sample.resolve("images"), MalformedRecords.FAIL)) {
            for (TrainingSample s : source) {
                List<Conversation.Message> turns = s.conversation().messages();
                assertThat(turns).extracting(Conversation.Message::role)
                        .containsExactly(Conversation.Role.USER, Conversation.Role.ASSISTANT);
                Prompt.Part image = turns.get(0).content().parts().get(0);
                assertThat(image).isInstanceOf(Prompt.Image.class);
                Path file = ((Prompt.FileImage) ((Prompt.Image) image).source()).path();
                assertThat(file).isRegularFile();
                assertThat(turns.get(1).text()).isNotBlank();
                records++;
            }
            assertThat(source.skippedRecords()).isZero();
        }
        assertThat(records).isEqualTo(MakeLlavaSample.COUNT);
    }

    @Test
    void regeneratingGivesTheShippedJsonAndPixels() throws IOException {
        Path shipped = ExampleFixtures.llavaSample();

        MakeLlavaSample.write(dir, MakeLlavaSample.COUNT, MakeLlavaSample.SEED);

        assertThat(Files.readAllBytes(dir.resolve("train.json"))).isEqualTo(Files.readAllBytes(shipped.resolve("train.json")));
        try (Stream<Path> images = Files.list(shipped.resolve("images"))) {
            assertThat(images.count()).isEqualTo(MakeLlavaSample.COUNT);
        }
        // pixels rather than bytes: PNG compression may vary with the zlib a JDK links against
        for (int i = 0; i < MakeLlavaSample.COUNT; i++) {
            String name = String.format("%03d.png", i);
            assertThat(pixels(dir.resolve("images").resolve(name))).as(name)
                    .isEqualTo(pixels(shipped.resolve("images").resolve(name)));
        }
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
