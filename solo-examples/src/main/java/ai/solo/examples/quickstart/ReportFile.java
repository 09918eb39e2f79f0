package ai.solo.examples.quickstart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code report.json} in a quickstart's output folder: the options a run was made with and what
 * it achieved, so the Stage-1 ablation can compare against a finished full run instead of
 * training it again.
 */
final class ReportFile {
    static final String NAME = "report.json";
    private static final Logger logger = LoggerFactory.getLogger(ReportFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFile() {
    }

    /** Writes the report next to the run's checkpoints (temp file, then rename: never half-written). */
    static void write(Path out, Quickstart.Options options, Quickstart.Report report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("options", optionsKey(options));
        json.put("training_seconds", report.trainingSeconds());
        json.put("checkpoint", report.checkpoint().toString());
        json.put("accuracy", report.accuracy());
        json.put("samples", report.samples());
        Path file = out.resolve(NAME);
        Path tmp = out.resolve(NAME + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), json);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * @return the report in {@code out} if there is one made with the same options; an unreadable
     *     file is logged and treated as absent (the run is simply made again)
     */
    static Optional<Quickstart.Report> read(Path out, Quickstart.Options options) {
        Path file = out.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Map<String, Object> json = JSON.readValue(file.toFile(), new TypeReference<>() {
            });
            if (!optionsKey(options).equals(json.get("options"))) {
                return Optional.empty();
            }
            Map<String, int[]> accuracy = JSON.convertValue(json.get("accuracy"), new TypeReference<LinkedHashMap<String, int[]>>() {
            });
            List<String> samples = JSON.convertValue(json.get("samples"), new TypeReference<List<String>>() {
            });
            return Optional.of(new Quickstart.Report(accuracy, samples, Path.of((String) json.get("checkpoint")),
                    ((Number) json.get("training_seconds")).doubleValue()));
        } catch (IOException | RuntimeException e) {
            logger.warn("Ignoring {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /**
     * What makes two runs comparable; the output folder is not part of it. Values are strings so
     * that a number read back from JSON compares equal whatever its Java type.
     */
    private static Map<String, Object> optionsKey(Quickstart.Options o) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("minutes", String.valueOf(o.minutes()));
        key.put("scale", o.scale().name());
        key.put("skip_stage1", String.valueOf(o.skipStage1()));
        key.put("seed", String.valueOf(o.seed()));
        key.put("eval_per_category", String.valueOf(o.evalPerCategory()));
        return key;
    }
}
