package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.eval.Evaluator;
import ai.solo.eval.LossResult;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.MalformedRecords;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LLaVA data file written to break training, through the public API: malformed JSON, wrong
 * types, empty conversations, unknown roles, missing images, paths climbing out of the image
 * root (by {@code ..}, absolutely and by a symbolic link), a corrupt image, an image needing more
 * tokens than a packed row, and an answer far longer than the context, among three good records.
 *
 * <p>Under {@link MalformedRecords#SKIP} training runs on what is usable: the malformed records
 * are counted at read time, the corrupt and oversized images are left out when encoded, and the
 * over-long answer is cut to the row. Under {@link MalformedRecords#FAIL} the run stops at the
 * first bad record, naming its file and line, and the checkpoint already in the output folder
 * is untouched.
 */
class HostileDatasetsTest {
    private static final int ROW = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SoloTokenizer tokenizer;

    @TempDir
    Path dir;
    private Path root;
    private Path data;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer());
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    /** Line number -> record; lines 1-3 are usable, 4-5 fail when encoded, 6-15 when read. */
    private static Map<Integer, String> records() throws IOException {
        Map<Integer, String> lines = new LinkedHashMap<>();
        lines.put(1, chat("red.png", "<image>\nWhat colour is it?", "Red."));
        lines.put(2, chat(null, "Hi", "Hello"));
        lines.put(3, chat("red.png", "<image>\nDescribe it at length.", "red ".repeat(400).strip()));
        lines.put(4, chat("huge.png", "<image>", "A big red square."));
        lines.put(5, chat("corrupt.png", "<image>", "Nothing."));
        lines.put(6, chat("missing.png", "<image>", "Nothing."));
        lines.put(7, chat("../outside.png", "<image>", "A secret."));
        lines.put(8, chat("/etc/passwd", "<image>", "A secret."));
        lines.put(9, chat("link.png", "<image>", "A secret."));
        lines.put(10, "{\"image\": \"red.png\", \"conversations\": []}");
        lines.put(11, "{\"conversations\": [{\"from\": \"human\", \"value\": \"unterminated");
        lines.put(12, "[1, 2]");
        lines.put(13, "{\"conversations\": [{\"from\": \"root\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}");
        lines.put(14, "{\"conversations\": [{\"from\": \"human\", \"value\": 42}, {\"from\": \"gpt\", \"value\": \"a\"}]}");
        lines.put(15, chat("red.png", "<image><image>", "Two images?"));
        return lines;
    }

    private static String chat(String image, String question, String answer) throws IOException {
        Map<String, Object> record = new LinkedHashMap<>();
        if (image != null) {
            record.put("image", image);
        }
        record.put("conversations", List.of(Map.of("from", "human", "value", question),
                Map.of("from", "gpt", "value", answer)));
        return JSON.writeValueAsString(record);
    }

    @BeforeEach
    void writeTheData() throws IOException {
        root = Files.createDirectories(dir.resolve("images"));
        ImageIO.write(ColourTask.solid(Color.RED, 32, 32), "png", root.resolve("red.png").toFile());
        ImageIO.write(ColourTask.solid(Color.RED, 1024, 1024), "png", root.resolve("huge.png").toFile());
        Files.write(root.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0});
        ImageIO.write(ColourTask.solid(Color.RED, 32, 32), "png", dir.resolve("outside.png").toFile());
        Files.createSymbolicLink(root.resolve("link.png"), dir.resolve("outside.png"));
        data = Files.write(dir.resolve("llava.jsonl"), records().values());
    }

    private SampleSource read(MalformedRecords policy) {
        return SampleSources.read(DataFormat.LLAVA, data, root, policy);
    }

    private Stage stage(SampleSource source, int steps) {
        return Stage.builder("hostile").source(source, 1.0).lossRule(LossRule.ALL_TEXT).steps(steps)
                .packLength(ROW).batch(2, 1).learningRate(1e-3, 1e-4, 1).build();
    }

    @Test
    void readingSkipsAndCountsEveryMalformedRecord() {
        List<String> origins = new ArrayList<>();
        try (SampleSource source = read(MalformedRecords.SKIP)) {
            source.forEach(s -> origins.add(s.origin()));
            assertThat(source.skippedRecords()).isEqualTo(10);
        }
        assertThat(origins).containsExactly("llava.jsonl:1", "llava.jsonl:2", "llava.jsonl:3", "llava.jsonl:4",
                "llava.jsonl:5");
    }

    @Test
    void encodingLeavesOutUnusableImagesAndCutsTheOverLongAnswerToARow() {
        try (SoloModel model = ColourTask.tinyModel(5, tokenizer); SampleSource source = read(MalformedRecords.SKIP)) {
            LossResult result = Evaluator.builder(model).packLength(ROW).build().heldOutLoss(source, LossRule.ALL_TEXT);

            assertThat(result.skipped()).as("the corrupt and the oversized image").isEqualTo(2);
            // the long answer, cut to 64 tokens, fills a row; the two short records share the other
            assertThat(result.rows()).isEqualTo(2);
            assertThat(result.loss()).isFinite();
            assertThat(result.targetTokens()).isGreaterThan(ROW - 10);
        }
    }

    @Test
    void trainingUnderSkipRunsOnTheUsableRecords() {
        ColourTask.Losses losses = new ColourTask.Losses();
        try (SoloModel model = ColourTask.tinyModel(5, tokenizer); SampleSource source = read(MalformedRecords.SKIP);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 4))).outputDir(dir.resolve("out"))
                        .listener(losses).build()) {
            assertThat(trainer.run().steps()).isEqualTo(4);
            assertThat(source.skippedRecords()).as("10 a pass").isPositive().matches(n -> n % 10 == 0);
        }
        assertThat(losses.values).hasSize(4).allMatch(Double::isFinite);
        assertThat(losses.skipped).containsOnly(false);
    }

    @Test
    void trainingUnderFailStopsAtTheFirstBadLineAndLeavesTheEarlierCheckpoint() throws IOException {
        Path out = dir.resolve("out");
        Path good = Files.write(dir.resolve("good.jsonl"), List.of(records().get(1), records().get(2)));
        try (SoloModel model = ColourTask.tinyModel(5, tokenizer);
                SampleSource source = SampleSources.read(DataFormat.LLAVA, good, root, MalformedRecords.FAIL);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 1))).outputDir(out).build()) {
            trainer.run();
        }
        Map<Path, byte[]> before = contents(out);

        try (SoloModel model = ColourTask.tinyModel(6, tokenizer); SampleSource source = read(MalformedRecords.FAIL);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 4))).outputDir(out).build()) {
            assertThatThrownBy(trainer::run).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(data + ":6").hasMessageContaining("image not found");
        }

        Map<Path, byte[]> after = contents(out);
        assertThat(after.keySet()).containsAll(before.keySet());
        before.forEach((file, bytes) -> assertThat(after.get(file)).as(file.toString()).isEqualTo(bytes));
        try (SoloModel saved = SoloModel.load(out.resolve("hostile"))) {
            assertThat(saved.config().hiddenSize()).isEqualTo(32);
        }
    }

    /** Every checkpoint file under {@code out}, by path relative to it. */
    private static Map<Path, byte[]> contents(Path out) throws IOException {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(out.resolve("hostile"))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(out.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
