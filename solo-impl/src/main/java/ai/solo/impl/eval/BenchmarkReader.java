package ai.solo.impl.eval;

import ai.solo.InvalidInputException;
import ai.solo.eval.Benchmark;
import ai.solo.eval.BenchmarkItem;
import ai.solo.generate.Prompt;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a benchmark JSONL file (format in {@link Benchmark}): every line must be a valid item, or
 * the read fails naming {@code file:line} and the field.
 */
public final class BenchmarkReader {
    /** A choice letter as an answer: {@code B}, {@code (B)}, {@code B.}, {@code [B]}. */
    private static final Pattern LETTER = Pattern.compile("^[(\\[]?([A-Za-z])[)\\].]?$");

    private BenchmarkReader() {
    }

    /**
     * @param file the JSONL file
     * @param imageRoot folder image paths are relative to, or null for the file's folder
     * @return the benchmark, named after the file without its extension
     * @throws InvalidInputException naming {@code file:line} and the field of a malformed line
     */
    public static Benchmark read(Path file, Path imageRoot) {
        Path root = imageRoot != null ? imageRoot : file.toAbsolutePath().getParent();
        List<BenchmarkItem> items = new ArrayList<>();
        BenchmarkImages images = null;
        try (JsonLines lines = new JsonLines(file, "benchmark")) {
            for (JsonLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.json() == null) {
                    throw lines.error("not valid JSON (the object ends early)");
                }
                if (images == null && line.json().hasNonNull("image")) {
                    images = BenchmarkImages.of(root);
                }
                try {
                    items.add(item(line.json(), file, line.number(), images));
                } catch (MalformedLineException e) {
                    throw lines.error(e.getMessage());
                }
            }
        }
        if (items.isEmpty()) {
            throw new InvalidInputException(file + ": no benchmark items (the file is empty)");
        }
        String name = String.valueOf(file.getFileName());
        int dot = name.lastIndexOf('.');
        return new Benchmark(dot > 0 ? name.substring(0, dot) : name, items);
    }

    private static BenchmarkItem item(JsonNode o, Path file, long line, BenchmarkImages images)
            throws MalformedLineException {
        if (!o.isObject()) {
            throw new MalformedLineException("a benchmark item must be a JSON object, got " + JsonLines.describe(o));
        }
        String id = id(o.get("id"), file, line);
        String question = requireText(o, "question");
        String context = optionalText(o, "context");
        if (context != null && !context.isBlank()) {
            question = "Context: " + context.strip() + "\n" + question.strip();
        }
        String category = optionalText(o, "category");
        String image = optionalText(o, "image");
        Prompt.ImageSource source = image == null ? null : new Prompt.FileImage(images.resolve(image));
        JsonNode answer = o.get("answer");
        if (answer == null || answer.isNull()) {
            throw new MalformedLineException("item has no \"answer\"");
        }
        String origin = file + ":" + line;
        JsonNode choicesNode = o.get("choices");
        try {
            if (choicesNode == null || choicesNode.isNull()) {
                return new BenchmarkItem(id, category, source, question, List.of(), -1, shortAnswers(answer), origin);
            }
            List<String> choices = choices(choicesNode);
            return new BenchmarkItem(id, category, source, question, choices, answerIndex(answer, choices), List.of(),
                    origin);
        } catch (InvalidInputException e) {
            // the item's own validation names its origin: keep only the reason
            String message = e.getMessage();
            throw new MalformedLineException(message.startsWith(origin + ": ")
                    ? message.substring(origin.length() + 2) : message);
        }
    }

    private static String id(JsonNode node, Path file, long line) throws MalformedLineException {
        if (node == null || node.isNull()) {
            return file.getFileName() + ":" + line;
        }
        if (node.isTextual() && !node.textValue().isBlank()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        throw new MalformedLineException("\"id\" must be a non-blank string or an integer, got "
                + JsonLines.describe(node));
    }

    private static List<String> choices(JsonNode node) throws MalformedLineException {
        if (!node.isArray()) {
            throw new MalformedLineException("\"choices\" must be an array of strings, got " + JsonLines.describe(node));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode c = node.get(i);
            if (c.isTextual()) {
                out.add(c.textValue());
            } else if (c.isNumber()) {
                out.add(c.asText());
            } else {
                throw new MalformedLineException("choices[" + i + "] must be a string, got " + JsonLines.describe(c));
            }
        }
        return out;
    }

    /** An integer index, a letter, or the text of a choice. */
    private static int answerIndex(JsonNode answer, List<String> choices) throws MalformedLineException {
        if (answer.isIntegralNumber()) {
            int index = answer.asInt();
            if (!answer.canConvertToInt() || index < 0 || index >= choices.size()) {
                throw new MalformedLineException("\"answer\" " + answer.asText() + " is not a choice index in [0, "
                        + choices.size() + ")");
            }
            return index;
        }
        if (!answer.isTextual()) {
            throw new MalformedLineException("\"answer\" of a multiple-choice item must be a choice index, a letter "
                    + "or a choice's text, got " + JsonLines.describe(answer));
        }
        String text = answer.textValue().strip();
        Matcher letter = LETTER.matcher(text);
        if (letter.matches()) {
            int index = Character.toUpperCase(letter.group(1).charAt(0)) - 'A';
            if (index >= choices.size()) {
                throw new MalformedLineException("\"answer\" letter " + text + " is beyond the " + choices.size()
                        + " choices");
            }
            return index;
        }
        for (int i = 0; i < choices.size(); i++) {
            if (choices.get(i).strip().equals(text)) {
                return i;
            }
        }
        throw new MalformedLineException("\"answer\" \"" + text + "\" is neither a choice letter nor one of the choices");
    }

    private static List<String> shortAnswers(JsonNode answer) throws MalformedLineException {
        if (answer.isTextual() || answer.isNumber()) {
            return List.of(answer.asText());
        }
        if (answer.isArray() && answer.size() > 0) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < answer.size(); i++) {
                JsonNode a = answer.get(i);
                if (!a.isTextual() && !a.isNumber()) {
                    throw new MalformedLineException("answer[" + i + "] must be a string, got " + JsonLines.describe(a));
                }
                out.add(a.asText());
            }
            return out;
        }
        throw new MalformedLineException("\"answer\" of a short-answer item (no \"choices\") must be a string, a number "
                + "or a non-empty array of strings, got " + JsonLines.describe(answer));
    }

    private static String requireText(JsonNode o, String field) throws MalformedLineException {
        String value = optionalText(o, field);
        if (value == null || value.isBlank()) {
            throw new MalformedLineException("item has no \"" + field + "\" text");
        }
        return value;
    }

    private static String optionalText(JsonNode o, String field) throws MalformedLineException {
        JsonNode value = o.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedLineException("\"" + field + "\" must be a string, got " + JsonLines.describe(value));
        }
        return value.textValue();
    }
}
