package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.examples.cli.SoloCli;
import ai.solo.text.SoloTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code solo evaluate}: the table and JSON report on a tiny model, and one-line errors. */
class SoloEvaluateCliTest {
    private static final String BENCH = """
            {"id": "q1", "image": "img/a.png", "question": "What colour is it?", "choices": ["red", "green", "blue"], "answer": "B", "category": "colour"}
            {"id": "q2", "question": "Which is a shape?", "choices": ["square", "seven"], "answer": 0, "category": "shapes"}
            {"id": "q3", "image": "img/a.png", "question": "What does it say?", "answer": ["stop", "halt"], "category": "reading"}
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    private Path modelFolder() {
        Path model = dir.resolve("model");
        try (SoloModel m = SoloModel.create(TinySolo.config().numHiddenLayers(1).build(), 1);
                SoloTokenizer tok = SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            m.attachTokenizer(tok);
            m.save(model);
        }
        return model;
    }

    private Path bench(String text) throws IOException {
        Files.createDirectories(dir.resolve("data/img"));
        ImageIO.write(TinySolo.image(64, 32, 1), "png", dir.resolve("data/img/a.png").toFile());
        return Files.writeString(dir.resolve("data/bench.jsonl"), text);
    }

    private void assertOneErrorLine(String expected) {
        String e = err.toString();
        assertThat(e.lines().count()).as(e).isEqualTo(1);
        assertThat(e.trim()).startsWith("solo: error: ").contains(expected);
    }

    @Test
    void printsTheTableAndWritesTheReportNextToTheData() throws IOException {
        Path data = bench(BENCH);

        int code = solo("evaluate", "--model", modelFolder().toString(), "--data", data.toString(),
                "--max-new-tokens", "3");

        assertThat(code).as(err.toString()).isZero();
        String printed = out.toString();
        assertThat(printed).contains("3 items (2 multiple-choice)");
        assertThat(printed.lines().filter(l -> l.matches("^(category|colour|shapes|reading|overall) .*")).toList())
                .hasSize(5);
        Path report = dir.resolve("data/bench.eval.json");
        assertThat(printed).contains("report: " + report);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("benchmark").asText()).isEqualTo("bench");
        assertThat(json.path("overall").path("items").asInt()).isEqualTo(3);
        assertThat(json.path("overall").path("acc").isNumber()).isTrue();
        assertThat(json.path("overall").path("exact_match").isNumber()).isTrue();
        assertThat(json.path("categories")).hasSize(3);
        assertThat(json.path("items")).hasSize(3);
        JsonNode q1 = json.path("items").get(0);
        assertThat(q1.path("answer").asText()).isEqualTo("B");
        assertThat(q1.path("choice_loglikelihoods")).hasSize(3);
        assertThat(q1.path("predicted").asText()).matches("[ABC]");
        assertThat(json.path("items").get(2).path("type").asText()).isEqualTo("short_answer");
        assertThat(json.path("settings").path("max_new_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void limitAndOutChooseTheItemsAndTheReport() throws IOException {
        Path data = bench(BENCH);
        Path report = dir.resolve("reports/r.json");

        int code = solo("evaluate", "--model", modelFolder().toString(), "--data", data.toString(), "--limit", "1",
                "--no-letters", "--out", report.toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("items")).hasSize(1);
        assertThat(json.path("overall").path("letter_acc").isNull()).isTrue();
        assertThat(json.path("items").get(0).has("generated")).isTrue();
        assertThat(json.path("items").get(0).path("generated").isNull()).isTrue();
        assertThat(out.toString()).doesNotContain("letter");
    }

    @Test
    void aMalformedLineIsOneErrorLineNamingFileAndLineBeforeAnyModelIsLoaded() throws IOException {
        Path data = bench(BENCH + "{\"id\": \"q4\", \"question\": \"Which?\", \"choices\": [\"a\", \"b\"], \"answer\": 5}\n");

        int code = solo("evaluate", "--model", dir.resolve("no-model").toString(), "--data", data.toString());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine(data + ":4: \"answer\" 5 is not a choice index in [0, 2)");
    }

    @Test
    void anImageOutsideTheRootIsRefused() throws IOException {
        Path data = bench("{\"question\": \"Q?\", \"answer\": \"a\", \"image\": \"../model/config.json\"}\n");

        int code = solo("evaluate", "--model", dir.toString(), "--data", data.toString());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine(data + ":1: \"image\" \"../model/config.json\" contains \"..\"; refused");
    }

    @Test
    void missingFilesAndBadFlagsAreReported() throws IOException {
        assertThat(solo("evaluate", "--model", dir.toString(), "--data", dir.resolve("none.jsonl").toString()))
                .isEqualTo(1);
        assertOneErrorLine(dir.resolve("none.jsonl") + ": benchmark file not found");

        err.getBuffer().setLength(0);
        Path data = bench(BENCH);
        assertThat(solo("evaluate", "--model", dir.resolve("m").toString(), "--data", data.toString())).isEqualTo(1);
        assertOneErrorLine(dir.resolve("m") + ": model folder not found");

        assertThat(solo("evaluate", "--model", dir.toString(), "--data", data.toString(), "--limit", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--limit must be >= 1");
    }
}
