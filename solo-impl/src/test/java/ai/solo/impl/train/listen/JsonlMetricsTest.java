package ai.solo.impl.train.listen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.train.TrainingListener.Evaluation;
import ai.solo.train.TrainingListener.StageStart;
import ai.solo.train.TrainingListener.StepMetrics;
import ai.solo.train.TrainingSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123Z");

    @TempDir
    Path dir;

    private List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static List<String> names(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void writesOneJsonObjectPerEventWithEveryField() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        try (JsonlMetrics metrics = new JsonlMetrics(file, Clock.fixed(T0, ZoneOffset.UTC))) {
            metrics.onStageStart(new StageStart("sft", 0, 1, 500, 0));
            metrics.onStep(new StepMetrics("sft", 1, 500, 2.345, 3.3e-7, 1.8, 16384, 2100, 2_000_000_000L, false));
            metrics.onEvaluation(new Evaluation("sft", 50, 2.1, 5000));
            metrics.onCheckpoint(dir.resolve("run/checkpoint-sft-100"), "sft", 100);
            metrics.onEnd(new TrainingSummary(500, 8_192_000, 1.2, 1.3, dir.resolve("run/sft")));
        }

        List<JsonNode> events = read(file);
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("stage_start", "step", "eval", "checkpoint", "end");
        JsonNode start = events.get(0);
        assertThat(names(start)).containsExactly("event", "stage", "index", "stages", "steps", "start_step", "time");
        assertThat(start.get("steps").asInt()).isEqualTo(500);
        JsonNode step = events.get(1);
        assertThat(names(step)).containsExactly("event", "stage", "step", "steps", "loss", "learning_rate", "grad_norm",
                "tokens", "target_tokens", "tokens_per_s", "step_ms", "skipped", "time");
        assertThat(step.get("stage").asText()).isEqualTo("sft");
        assertThat(step.get("step").asLong()).isEqualTo(1);
        assertThat(step.get("loss").asDouble()).isEqualTo(2.345);
        assertThat(step.get("learning_rate").asDouble()).isEqualTo(3.3e-7);
        assertThat(step.get("grad_norm").asDouble()).isEqualTo(1.8);
        assertThat(step.get("tokens").asLong()).isEqualTo(16384);
        assertThat(step.get("target_tokens").asLong()).isEqualTo(2100);
        assertThat(step.get("tokens_per_s").asDouble()).isEqualTo(8192.0);
        assertThat(step.get("step_ms").asDouble()).isEqualTo(2000.0);
        assertThat(step.get("skipped").isBoolean()).isTrue();
        assertThat(Instant.parse(step.get("time").asText())).isEqualTo(T0);
        JsonNode eval = events.get(2);
        assertThat(eval.get("held_out_loss").asDouble()).isEqualTo(2.1);
        assertThat(eval.get("step").asLong()).isEqualTo(50);
        assertThat(events.get(3).get("path").asText()).isEqualTo(dir.resolve("run/checkpoint-sft-100").toString());
        JsonNode end = events.get(4);
        assertThat(end.get("final_loss").asDouble()).isEqualTo(1.2);
        assertThat(end.get("final_held_out_loss").asDouble()).isEqualTo(1.3);
        assertThat(end.get("checkpoint").asText()).isEqualTo(dir.resolve("run/sft").toString());
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics metrics = new JsonlMetrics(file)) {
            metrics.onStep(new StepMetrics("sft", 3, 10, Double.NaN, 1e-5, Double.POSITIVE_INFINITY, 10, 2, 0, true));
            metrics.onEnd(new TrainingSummary(3, 30, Double.NaN, Double.NaN, null));
        }

        List<JsonNode> events = read(file);
        assertThat(events.get(0).get("loss").isNull()).isTrue();
        assertThat(events.get(0).get("grad_norm").isNull()).isTrue();
        assertThat(events.get(0).get("skipped").asBoolean()).isTrue();
        assertThat(events.get(1).get("final_held_out_loss").isNull()).isTrue();
        assertThat(events.get(1).get("checkpoint").isNull()).isTrue();
    }

    @Test
    void eachEventIsOnDiskBeforeTheNextOne() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics metrics = new JsonlMetrics(file)) {
            metrics.onStageStart(new StageStart("sft", 0, 1, 10, 0));

            assertThat(Files.readAllLines(file)).hasSize(1);
        }
    }

    @Test
    void aSecondInstanceAppendsInsteadOfTruncating() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (JsonlMetrics first = new JsonlMetrics(file)) {
            first.onStageStart(new StageStart("sft", 0, 1, 10, 0));
            first.onStep(new StepMetrics("sft", 1, 10, 2.0, 1e-5, 1, 10, 2, 1000, false));
        }

        try (JsonlMetrics resumed = new JsonlMetrics(file)) {
            resumed.onStageStart(new StageStart("sft", 0, 1, 10, 1));
        }

        List<JsonNode> events = read(file);
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("stage_start", "step", "stage_start");
        assertThat(events.get(2).get("start_step").asLong()).isEqualTo(1);
    }

    @Test
    void aLineTornByACrashStaysOnALineOfItsOwn() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"event\":\"stage_start\"}\n{\"event\":\"st");

        try (JsonlMetrics resumed = new JsonlMetrics(file)) {
            resumed.onCheckpoint(dir, "sft", 1);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(JSON.readTree(lines.get(2)).get("event").asText()).isEqualTo("checkpoint");
    }

    @Test
    void closeIsSafeTwice() {
        JsonlMetrics metrics = new JsonlMetrics(dir.resolve("metrics.jsonl"));
        metrics.close();
        metrics.close();
    }
}
