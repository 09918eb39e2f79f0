package ai.solo.impl.train.listen;

import ai.solo.SoloException;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSummary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

/**
 * Writes every training event as one JSON object per line ({@code metrics.jsonl}), flushed as it
 * happens so a crashed or running job can be inspected with {@code tail} or {@code jq}.
 *
 * <pre>
 * {"event":"stage_start","stage":"sft","index":0,"stages":1,"steps":500,"start_step":0,"time":"..."}
 * {"event":"step","stage":"sft","step":1,"steps":500,"loss":2.345,"learning_rate":3.3e-7,"grad_norm":1.8,
 *  "tokens":16384,"target_tokens":2100,"tokens_per_s":1234.5,"step_ms":13270.0,"skipped":false,"time":"..."}
 * {"event":"eval","stage":"sft","step":50,"held_out_loss":2.1,"target_tokens":5000,"time":"..."}
 * {"event":"checkpoint","stage":"sft","step":100,"path":"runs/sft/checkpoint-sft-100","time":"..."}
 * {"event":"end","steps":500,"tokens":8192000,"final_loss":1.2,"final_held_out_loss":1.3,"checkpoint":"...","time":"..."}
 * </pre>
 *
 * <p>{@code time} is ISO-8601 UTC with milliseconds. NaN and infinite numbers are written as
 * {@code null} (JSON has neither). The file is appended to, never truncated: a resumed run
 * continues it, and its {@code stage_start} event with {@code start_step} above 0 tells readers
 * that later steps of that stage replace the ones logged after the checkpoint. Opening creates
 * the parent folders.
 *
 * <p>Holds the file open: close it. Not thread-safe.
 */
public final class JsonlMetrics implements TrainingListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private Writer writer;

    /**
     * Opens {@code file} for appending, creating it and its folders if needed.
     *
     * @param file the JSONL file, e.g. {@code <outputDir>/metrics.jsonl}
     * @throws SoloException naming the file if it cannot be opened
     */
    public JsonlMetrics(Path file) {
        this(file, Clock.systemUTC());
    }

    JsonlMetrics(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean tornLastLine = endsWithoutNewline(file);
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            if (tornLastLine) {
                // a process killed mid-line left a partial object: keep it on a line of its own
                writer.write('\n');
                writer.flush();
            }
        } catch (IOException e) {
            throw new SoloException("cannot open " + file + " for metrics: " + e, e);
        }
    }

    /** @return the file written */
    public Path file() {
        return file;
    }

    @Override
    public void onStageStart(StageStart s) {
        ObjectNode o = event("stage_start");
        o.put("stage", s.name());
        o.put("index", s.index());
        o.put("stages", s.stageCount());
        o.put("steps", s.steps());
        o.put("start_step", s.startStep());
        write(o);
    }

    @Override
    public void onStep(StepMetrics m) {
        ObjectNode o = event("step");
        o.put("stage", m.stage());
        o.put("step", m.step());
        o.put("steps", m.steps());
        number(o, "loss", m.loss());
        number(o, "learning_rate", m.learningRate());
        number(o, "grad_norm", m.gradNorm());
        o.put("tokens", m.tokens());
        o.put("target_tokens", m.targetTokens());
        number(o, "tokens_per_s", Math.round(m.tokensPerSecond() * 100) / 100.0);
        number(o, "step_ms", Math.round(m.stepNanos() / 1_000.0) / 1_000.0);
        o.put("skipped", m.skipped());
        write(o);
    }

    @Override
    public void onEvaluation(Evaluation e) {
        ObjectNode o = event("eval");
        o.put("stage", e.stage());
        o.put("step", e.step());
        number(o, "held_out_loss", e.loss());
        o.put("target_tokens", e.targetTokens());
        write(o);
    }

    @Override
    public void onCheckpoint(Path dir, String stage, long step) {
        ObjectNode o = event("checkpoint");
        o.put("stage", stage);
        o.put("step", step);
        o.put("path", dir.toString());
        write(o);
    }

    @Override
    public void onEnd(TrainingSummary summary) {
        ObjectNode o = event("end");
        o.put("steps", summary.steps());
        o.put("tokens", summary.tokens());
        number(o, "final_loss", summary.finalLoss());
        number(o, "final_held_out_loss", summary.finalHeldOutLoss());
        o.put("checkpoint", summary.checkpoint() == null ? null : summary.checkpoint().toString());
        write(o);
    }

    /** Closes the file; safe to call twice. */
    @Override
    public void close() {
        Writer w = writer;
        writer = null;
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                throw new SoloException("cannot close " + file + ": " + e, e);
            }
        }
    }

    private static ObjectNode event(String name) {
        return JSON.createObjectNode().put("event", name);
    }

    private static void number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    private void write(ObjectNode o) {
        if (writer == null) {
            throw new IllegalStateException(file + " is closed");
        }
        o.put("time", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
        try {
            writer.write(JSON.writeValueAsString(o));
            writer.write('\n');
            writer.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a metrics event", e);
        } catch (IOException e) {
            throw new SoloException("cannot write to " + file + ": " + e, e);
        }
    }

    private static boolean endsWithoutNewline(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, ch.size() - 1);
            return last.get(0) != '\n';
        }
    }
}
