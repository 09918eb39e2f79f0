package ai.solo.examples.cli;

import ai.solo.SoloException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The JSON reports of {@code solo evaluate} and {@code solo scaling}: built as trees, written whole. */
final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indented, {@code "key": value}, as {@code solo generate --output json}. */
    private static final ObjectWriter WRITER = JSON.writer(new DefaultPrettyPrinter().withSeparators(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private JsonReport() {
    }

    /** @return an empty JSON object */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * Puts a number; NaN and infinities become {@code null} (JSON has neither), as in {@code metrics.jsonl}.
     *
     * @param o the object
     * @param key the field
     * @param value the number
     */
    static void number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    /**
     * Writes a report to a temporary file beside the target, then renames it into place, so a
     * reader never sees half a report. Creates the folder.
     *
     * @param file the report
     * @param root its content
     * @throws SoloException naming the file if it cannot be written
     */
    static void write(Path file, ObjectNode root) {
        String text;
        try {
            text = WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the report as JSON", e);
        }
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            Path tmp = Files.createTempFile(folder, ".report-", ".json.tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new SoloException("cannot write " + file + ": " + e, e);
        }
    }
}
