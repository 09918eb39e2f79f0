package ai.solo.impl.train.data;

import static ai.solo.impl.train.data.DataFixtures.all;
import static ai.solo.impl.train.data.DataFixtures.origins;
import static ai.solo.impl.train.data.DataFixtures.parts;
import static ai.solo.impl.train.data.DataFixtures.png;
import static ai.solo.impl.train.data.DataFixtures.turns;
import static ai.solo.impl.train.data.DataFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.solo.InvalidInputException;
import ai.solo.generate.Conversation.Role;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** @return a one-line LLaVA record of one human and one gpt turn; {@code image} may be null */
    private static String chat(String image, String human, String gpt) {
        ObjectNode record = JSON.createObjectNode();
        if (image != null) {
            record.put("image", image);
        }
        ArrayNode turns = record.putArray("conversations");
        turns.addObject().put("from", "human").put("value", human);
        turns.addObject().put("from", "gpt").put("value", gpt);
        return record.toString();
    }

    private List<TrainingSample> readAll(Path file, Path imageRoot) {
        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, imageRoot, MalformedRecords.FAIL)) {
            return all(source);
        }
    }

    private InvalidInputException failure(String jsonl) throws Exception {
        Path file = write(dir.resolve("bad.jsonl"), jsonl);
        SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.FAIL);
        try (source) {
            Throwable thrown = catchThrowable(() -> all(source));
            assertThat(thrown).isInstanceOf(InvalidInputException.class);
            return (InvalidInputException) thrown;
        }
    }

    @Test
    void mapsRolesAndPutsImageAtThePlaceholder() throws Exception {
        Path cat = png(dir.resolve("images/cat.png"));
        Path file = write(dir.resolve("llava.jsonl"), """
                {"image": "images/cat.png", "conversations": [{"from": "system", "value": "Be brief."}, \
                {"from": "human", "value": "<image>\\nWhat is it?"}, {"from": "gpt", "value": "A cat."}, \
                {"from": "human", "value": "Colour?"}, {"from": "gpt", "value": "Grey."}]}
                """);

        List<TrainingSample> samples = readAll(file, null);

        assertThat(samples).hasSize(1);
        TrainingSample sample = samples.get(0);
        assertThat(sample.kind()).isEqualTo(TrainingSample.Kind.CONVERSATION);
        assertThat(sample.origin()).isEqualTo("llava.jsonl:1");
        assertThat(sample.conversation().messages()).extracting(m -> m.role())
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT);
        assertThat(turns(sample)).containsExactly(
                "SYSTEM:Be brief.", "USER:What is it?", "ASSISTANT:A cat.", "USER:Colour?", "ASSISTANT:Grey.");
        assertThat(parts(sample.conversation().messages().get(1))).containsExactly("image:" + cat, "text:What is it?");
        assertThat(parts(sample.conversation().messages().get(3))).containsExactly("text:Colour?");
    }

    @Test
    void splitsTextAroundAPlaceholderInTheMiddle() throws Exception {
        Path cat = png(dir.resolve("cat.png"));
        Path file = write(dir.resolve("llava.jsonl"), """
                {"image": "cat.png", "conversations": [{"from": "human", "value": "Look: <image>\\nWhat is it?"}, \
                {"from": "gpt", "value": "A cat."}]}
                """);

        TrainingSample sample = readAll(file, null).get(0);

        assertThat(parts(sample.conversation().messages().get(0)))
                .containsExactly("text:Look: ", "image:" + cat, "text:What is it?");
    }

    @Test
    void putsTheImageFirstInTheFirstUserTurnWithoutAPlaceholder() throws Exception {
        Path cat = png(dir.resolve("cat.png"));
        Path file = write(dir.resolve("llava.jsonl"), """
                {"image": "cat.png", "conversations": [{"from": "human", "value": "Describe it."}, \
                {"from": "gpt", "value": "A cat."}, {"from": "human", "value": "More?"}, {"from": "gpt", "value": "No."}]}
                """);

        TrainingSample sample = readAll(file, null).get(0);

        assertThat(parts(sample.conversation().messages().get(0))).containsExactly("image:" + cat, "text:Describe it.");
        assertThat(parts(sample.conversation().messages().get(2))).containsExactly("text:More?");
    }

    @Test
    void readsTextOnlyRecords() throws Exception {
        Path file = write(dir.resolve("llava.jsonl"), """
                {"id": "t1", "conversations": [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}]}
                """);

        TrainingSample sample = readAll(file, null).get(0);

        assertThat(turns(sample)).containsExactly("USER:2+2?", "ASSISTANT:4");
        assertThat(parts(sample.conversation().messages().get(0))).containsExactly("text:2+2?");
    }

    @Test
    void readsAJsonArrayWithEachElementsLine() throws Exception {
        png(dir.resolve("a.png"));
        Path file = write(dir.resolve("llava.json"), """

                  [
                  {"image": "a.png",
                   "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "A."}]},
                  {"conversations": [{"from": "human", "value": "Hi"},
                                     {"from": "gpt", "value": "Hello"}]}
                ]
                """);

        List<TrainingSample> samples = readAll(file, null);

        assertThat(origins(samples)).containsExactly("llava.json:3", "llava.json:5");
        assertThat(parts(samples.get(0).conversation().messages().get(0)))
                .containsExactly("image:" + dir.resolve("a.png"));
        assertThat(turns(samples.get(1))).containsExactly("USER:Hi", "ASSISTANT:Hello");
    }

    @Test
    void resolvesImagesAgainstTheGivenImageRoot() throws Exception {
        Path root = dir.resolve("root");
        Path dog = png(root.resolve("pets/dog.png"));
        Path file = write(dir.resolve("data/llava.jsonl"), chat("pets/dog.png", "<image>", "Dog"));

        TrainingSample sample = readAll(file, root).get(0);

        assertThat(parts(sample.conversation().messages().get(0))).containsExactly("image:" + dog);
    }

    @Test
    void skipsAndCountsMalformedRecords() throws Exception {
        png(dir.resolve("ok.png"));
        Files.createDirectories(dir.resolve("folder.png"));
        Path file = write(dir.resolve("llava.jsonl"), String.join("\n",
                chat("ok.png", "<image>", "ok"),
                "{\"conversations\": []}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"only a question\"}]}",
                "{\"conversations\": [{\"from\": \"robot\", \"value\": \"?\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}",
                "{\"conversations\": [{\"from\": \"human\", \"value\": 42}, {\"from\": \"gpt\", \"value\": \"a\"}]}",
                chat(null, "<image>", "a"),
                chat("ok.png", "<image><image>", "a"),
                chat("ok.png", "q", "<image>"),
                chat("missing.png", "q", "a"),
                chat("folder.png", "q", "a"),
                chat("x.png", "q", "a").replace("\"x.png\"", "7"),
                "[1, 2]",
                "{not json",
                "",
                chat(null, "Hi", "Hello")));

        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.SKIP)) {
            List<TrainingSample> samples = all(source);

            assertThat(origins(samples)).containsExactly("llava.jsonl:1", "llava.jsonl:15");
            assertThat(source.skippedRecords()).isEqualTo(12);
        }
    }

    @Test
    void failNamesFileLineAndReason() throws Exception {
        InvalidInputException e = failure("""
                {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}

                {"conversations": [{"from": "robot", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}
                """);

        assertThat(e).hasMessageContaining(dir.resolve("bad.jsonl") + ":3")
                .hasMessageContaining("unknown \"from\": \"robot\"");
    }

    @Test
    void refusesImagePathsClimbingOutOfTheRoot() throws Exception {
        png(dir.resolve("secret.png"));
        Files.createDirectories(dir.resolve("data/sub"));
        Path file = write(dir.resolve("data/llava.jsonl"), chat("sub/../../secret.png", "q", "a"));

        try (SampleSource source = SampleReaders.read(DataFormat.LLAVA, file, null, MalformedRecords.FAIL)) {
            assertThatThrownBy(() -> all(source)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("llava.jsonl:1").hasMessageContaining("contains \"..\"");
        }
    }

    @Test
    void refusesAbsoluteImagePaths() throws Exception {
        Path secret = png(dir.resolve("secret.png"));
        InvalidInputException e = failure(chat(secret.toString(), "q", "a"));

        assertThat(e).hasMessageContaining("bad.jsonl:1").hasMessageContaining("absolute image path");
    }

    @Test
    void refusesSymlinksLeadingOutsideTheRoot() throws Exception {
        Path outside = png(dir.resolve("outside/secret.png"));
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("innocent.png"), outside);
        Files.createSymbolicLink(root.resolve("linked-folder"), outside.getParent());
        png(root.resolve("real/inside.png"));
        Files.createSymbolicLink(root.resolve("alias.png"), root.resolve("real/inside.png"));
        Path file = write(dir.resolve("llava.jsonl"), String.join("\n",
                chat("innocent.png", "q", "a"),
                chat("linked-folder/secret.png", "q", "a"),
                chat("alias.png", "q", "a")));

        try (SampleSource skipping = SampleReaders.read(DataFormat.LLAVA, file, root, MalformedRecords.SKIP)) {
            assertThat(origins(all(skipping))).containsExactly("llava.jsonl:3");
            assertThat(skipping.skippedRecords()).isEqualTo(2);
        }
        try (SampleSource failing = SampleReaders.read(DataFormat.LLAVA, file, root, MalformedRecords.FAIL)) {
            assertThatThrownBy(() -> all(failing)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("llava.jsonl:1").hasMessageContaining("outside the image root");
        }
    }

    @Test
    void missingImageIsMalformed() throws Exception {
        InvalidInputException e = failure(chat("nope.png", "q", "a"));

        assertThat(e).hasMessageContaining("bad.jsonl:1").hasMessageContaining("image not found");
    }

    @Test
    void missingImageRootFailsAtReadTime() throws Exception {
        Path file = write(dir.resolve("llava.jsonl"), "");

        assertThatThrownBy(() -> SampleReaders.read(DataFormat.LLAVA, file, dir.resolve("nowhere"), MalformedRecords.SKIP))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nowhere");
    }
}
