package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.eval.Evaluator;
import ai.solo.eval.LossResult;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * first record the reader refuses, naming its file and line, and no checkpoint is lost: neither
 * one already in the output folder nor those of the steps before the bad line. FAIL governs
 * what the reader sees; an image that exists but cannot be decoded is left out when encoded, as
 * under SKIP, with a warning naming {@code file:line}.
 */
class HostileDatasetsTest {
    private static final int ROW = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final MistralTokenizer TOKENIZER = new MistralTokenizer();

    @TempDir
    Path dir;
    private Path root;
    private Path data;


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
        try (SoloModel model = ColourTask.tinyModel(5, TOKENIZER.get()); SampleSource source = read(MalformedRecords.SKIP)) {
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
        try (SoloModel model = ColourTask.tinyModel(5, TOKENIZER.get()); SampleSource source = read(MalformedRecords.SKIP);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 4))).outputDir(dir.resolve("out"))
                        .listener(losses).build()) {
            assertThat(trainer.run().steps()).isEqualTo(4);
            assertThat(source.skippedRecords()).as("10 a pass").isPositive().matches(n -> n % 10 == 0);
        }
        assertThat(losses.values).hasSize(4).allMatch(Double::isFinite);
        assertThat(losses.skipped).containsOnly(false);
    }

    @Test
    void trainingUnderFailStopsAtTheFirstBadLineAndLosesNoCheckpoint() throws IOException {
        Path out = dir.resolve("out");
        Map<Integer, String> records = records();
        Path good = Files.write(dir.resolve("good.jsonl"), List.of(records.get(1), records.get(2)));
        try (SoloModel model = ColourTask.tinyModel(5, TOKENIZER.get());
                SampleSource source = SampleSources.read(DataFormat.LLAVA, good, root, MalformedRecords.FAIL);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 1))).outputDir(out).build()) {
            trainer.run();
        }
        Map<Path, byte[]> before = contents(out.resolve("hostile"));
        // 24 good lines give the second run a few steps, each checkpointed, before line 30
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(records.get(1));
            lines.add(records.get(2));
        }
        lines.addAll(records.values());
        Path late = Files.write(dir.resolve("late.jsonl"), lines);

        try (SoloModel model = ColourTask.tinyModel(6, TOKENIZER.get());
                SampleSource source = SampleSources.read(DataFormat.LLAVA, late, root, MalformedRecords.FAIL);
                Trainer trainer = Trainer.builder(model, Recipe.of(stage(source, 20))).outputDir(out)
                        .checkpointEvery(1).build()) {
            assertThatThrownBy(trainer::run).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(late + ":30").hasMessageContaining("image not found");
        }

        assertThat(contents(out.resolve("hostile"))).as("the first run's checkpoint")
                .containsOnlyKeys(before.keySet())
                .allSatisfy((file, bytes) -> assertThat(bytes).as(file.toString()).isEqualTo(before.get(file)));
        List<Path> saved;
        try (Stream<Path> dirs = Files.list(out)) {
            saved = dirs.filter(d -> d.getFileName().toString().startsWith("checkpoint-")).sorted().toList();
        }
        assertThat(saved).as("the second run checkpointed its steps before line 30").isNotEmpty();
        try (SoloModel newest = SoloModel.load(saved.get(saved.size() - 1))) {
            assertThat(newest.config().hiddenSize()).isEqualTo(32);
        }
    }

    /** Every file under {@code folder}, by path relative to it. */
    private static Map<Path, byte[]> contents(Path folder) throws IOException {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
