package ai.solo.impl.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.eval.Benchmark;
import ai.solo.eval.BenchmarkItem;
import ai.solo.generate.Prompt;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benchmark JSONL: the answer forms, and an error naming file, line and field for every malformed line. */
class BenchmarkReaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void image() throws IOException {
        Files.createDirectories(dir.resolve("img"));
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("img/a.png").toFile());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("bench.jsonl"), text);
    }

    @Test
    void readsChoiceAndShortAnswerItemsWithEveryAnswerForm() throws IOException {
        Path file = write("""
                {"id": "q1", "image": "img/a.png", "question": "Colour?", "choices": ["red", "blue"], "answer": 1, "category": "colour"}
                {"id": 7, "question": "Which?", "choices": ["x", "y", "z"], "answer": "(C)"}

                {"question": "Shape?", "choices": ["star", "square"], "answer": "square", "context": "A picture."}
                {"id": "q4", "question": "Count?", "answer": 3}
                {"id": "q5", "question": "Says?", "answer": ["stop", "stop sign"], "extra": true}
                """);

        Benchmark b = BenchmarkReader.read(file, null);

        assertThat(b.name()).isEqualTo("bench");
        assertThat(b.items()).hasSize(5);
        BenchmarkItem q1 = b.items().get(0);
        assertThat(q1.image()).isEqualTo(new Prompt.FileImage(dir.resolve("img/a.png").toAbsolutePath()));
        assertThat(q1.answerIndex()).isEqualTo(1);
        assertThat(q1.category()).isEqualTo("colour");
        assertThat(q1.origin()).isEqualTo(file + ":1");
        assertThat(b.items().get(1).id()).isEqualTo("7");
        assertThat(b.items().get(1).answerIndex()).isEqualTo(2);
        BenchmarkItem third = b.items().get(2);
        assertThat(third.id()).isEqualTo("bench.jsonl:4");
        assertThat(third.answerIndex()).isEqualTo(1);
        assertThat(third.question()).isEqualTo("Context: A picture.\nShape?");
        assertThat(b.items().get(3).answers()).containsExactly("3");
        assertThat(b.items().get(4).isMultipleChoice()).isFalse();
        assertThat(b.items().get(4).answers()).containsExactly("stop", "stop sign");
    }

    @Test
    void malformedLinesNameFileLineAndField() throws IOException {
        String good = "{\"id\": \"ok\", \"question\": \"Q?\", \"answer\": \"a\"}\n";
        String[][] cases = {
            {"{\"question\": \"Q?\"}", "item has no \"answer\""},
            {"{\"answer\": \"a\"}", "item has no \"question\" text"},
            {"{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": 2}", "\"answer\" 2 is not a choice index in [0, 2)"},
            {"{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": \"D\"}", "\"answer\" letter D is beyond the 2 choices"},
            {"{\"question\": \"Q?\", \"choices\": [\"a\", \"b\"], \"answer\": \"c\"}", "\"answer\" letter c is beyond the 2 choices"},
            {"{\"question\": \"Q?\", \"choices\": [\"aa\", \"bb\"], \"answer\": \"cc\"}", "neither a choice letter nor one of the choices"},
            {"{\"question\": \"Q?\", \"choices\": \"a,b\", \"answer\": 0}", "\"choices\" must be an array of strings, got string"},
            {"{\"question\": \"Q?\", \"choices\": [\"a\"], \"answer\": 0}", "\"choices\" must hold 2 to 26 options, got 1"},
            {"{\"question\": \"Q?\", \"answer\": {\"x\": 1}}", "must be a string, a number or a non-empty array of strings, got object"},
            {"{\"question\": \"Q?\", \"answer\": \"a\", \"image\": \"../a.png\"}", "contains \"..\"; refused"},
            {"{\"question\": \"Q?\", \"answer\": \"a\", \"image\": \"/etc/passwd\"}", "is absolute"},
            {"{\"question\": \"Q?\", \"answer\": \"a\", \"image\": \"img/missing.png\"}", "image not found"},
            {"{\"id\": \"ok\", \"question\": \"Q?\", \"answer\": \"a\"}", "id \"ok\" already used at " + dir.resolve("bench.jsonl") + ":1"},
            {"{\"question\": \"Q?\", \"answer\": \"a\"", "not valid JSON"},
            {"[1]", "a benchmark item must be a JSON object, got array"},
        };
        for (String[] c : cases) {
            Path file = write(good + c[0] + "\n");
            assertThatThrownBy(() -> BenchmarkReader.read(file, null)).as(c[0]).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith(file + ":2: ").hasMessageContaining(c[1]);
        }
    }

    @Test
    void imagesMayNotEscapeTheRootThroughALink() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", outside.resolve("b.png").toFile());
        Files.createSymbolicLink(dir.resolve("img/link.png"), outside.resolve("b.png"));
        Path file = write("{\"question\": \"Q?\", \"answer\": \"a\", \"image\": \"link.png\"}\n");

        assertThatThrownBy(() -> BenchmarkReader.read(file, dir.resolve("img")))
                .hasMessageStartingWith(file + ":1: ").hasMessageContaining("outside the image root");
    }

    @Test
    void invalidUtf8AndEmptyFilesAreErrors() throws IOException {
        Path bad = Files.write(dir.resolve("bad.jsonl"), new byte[] {'{', '}', '\n', (byte) 0xC3, '\n'});
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");

        assertThatThrownBy(() -> BenchmarkReader.read(bad, null)).hasMessageStartingWith(bad + ":1: ");
        assertThatThrownBy(() -> BenchmarkReader.read(empty, null)).hasMessage(empty + ": no benchmark items (the file is empty)");
        assertThatThrownBy(() -> BenchmarkReader.read(dir.resolve("nope.jsonl"), null))
                .hasMessage(dir.resolve("nope.jsonl") + ": benchmark file not found");
    }
}
