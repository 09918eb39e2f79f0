package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ai.solo.EngineException;
import ai.solo.SoloModel;
import ai.solo.examples.caption.CaptionFolder;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captioning example: a JSONL line per readable image, unreadable ones named, output replaced atomically. */
class CaptionFolderTest {
    @TempDir
    Path dir;

    /** A random tiny model never says end-of-sequence: keep its captions short. */
    private static final GenerationConfig SHORT = GenerationConfig.builder().maxNewTokens(4).build();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private PrintStream log() {
        return new PrintStream(log, true, StandardCharsets.UTF_8);
    }

    @Test
    void writesOneLinePerImageInNameOrderAndNamesTheUnreadableOne() throws IOException {
        Path images = dir.resolve("images");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 9; i++) {   // more than one batch
            names.add(ExampleFixtures.png(images.resolve("img-" + i + ".png"), 40 + 10 * i, 50, i).getFileName().toString());
        }
        Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path output = dir.resolve("out/captions.jsonl");
        Files.createDirectories(output.getParent());
        Files.writeString(output, "an older run\n");

        CaptionFolder.Result r;
        try (SoloModel model = SoloModel.load(ExampleFixtures.tinyCheckpoint(dir.resolve("model")))) {
            r = CaptionFolder.caption(Generator.create(model), images, output, CaptionFolder.DEFAULT_PROMPT, SHORT, log());
        }

        assertThat(r.captioned()).isEqualTo(9);
        assertThat(r.skipped()).containsExactly(images.resolve("broken.jpg"));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("skipping").contains("broken.jpg")
                .doesNotContain("notes.txt");
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(9);
        ObjectMapper json = new ObjectMapper();
        List<String> captioned = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            assertThat(node.size()).isEqualTo(2);
            assertThat(node.get("caption").isTextual()).isTrue();
            captioned.add(node.get("image").asText());
        }
        assertThat(captioned).containsExactlyElementsOf(names.stream().sorted().toList());
        assertNoTemporaryFiles(output.getParent());
    }

    @Test
    void aFailedRunLeavesTheExistingOutputWhole() throws IOException {
        Path images = dir.resolve("images");
        ExampleFixtures.png(images.resolve("a.png"), 40, 40, 1);
        Path output = dir.resolve("captions.jsonl");
        Files.writeString(output, "{\"image\": \"a.png\", \"caption\": \"from an older run\"}\n");
        Generator failing = mock(Generator.class);
        when(failing.generateBatch(any(), any())).thenThrow(new EngineException("out of memory"));

        assertThatThrownBy(() -> CaptionFolder.caption(failing, images, output, "Describe.", SHORT, log()))
                .isInstanceOf(EngineException.class);

        assertThat(output).hasContent("{\"image\": \"a.png\", \"caption\": \"from an older run\"}\n");
        assertNoTemporaryFiles(dir);
    }

    private static void assertNoTemporaryFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
