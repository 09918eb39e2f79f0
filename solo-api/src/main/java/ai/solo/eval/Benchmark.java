package ai.solo.eval;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A set of benchmark questions, read from JSONL or built in code, evaluated with
 * {@link Evaluator#evaluate(Benchmark)}.
 *
 * <p>File format ({@link #read(Path, Path)}): one JSON object per line, blank lines ignored:
 * <pre>
 * {"id": "q1", "image": "img/q1.png", "question": "What colour is the star?",
 *  "choices": ["red", "green", "blue"], "answer": 0, "category": "colour"}
 * {"id": "q2", "question": "What does the sign say?", "answer": ["stop", "stop sign"]}
 * </pre>
 * <ul>
 *   <li>{@code id}: string or integer, unique; default {@code <file name>:<line>}.</li>
 *   <li>{@code image}: optional path relative to the image root; it may not be absolute,
 *       contain {@code ..} or resolve (links followed) outside the root.</li>
 *   <li>{@code question}: required text. {@code context}: optional text put before it as
 *       {@code "Context: ...\n"} (ScienceQA's hint, as LLaVA prompts it).</li>
 *   <li>{@code choices}: optional array of 2 to 26 non-blank strings; present = multiple-choice.</li>
 *   <li>{@code answer}: for multiple-choice, a 0-based integer index, a letter ({@code "B"},
 *       {@code "(B)"}, {@code "B."}) or the text of one choice; for short-answer, a string,
 *       an integer, or an array of accepted strings.</li>
 *   <li>{@code category}: optional string, default {@value BenchmarkItem#DEFAULT_CATEGORY}.</li>
 * </ul>
 * Other fields are ignored. A malformed line fails the whole read with an
 * {@link InvalidInputException} naming {@code file:line} and the field: a benchmark with a
 * silently skipped question would not be comparable with other runs.
 *
 * @param name names the benchmark in reports, e.g. the file name
 * @param items the questions, in order, ids unique
 */
public record Benchmark(String name, List<BenchmarkItem> items) {

    /**
     * Validates and copies the items.
     *
     * @param name names the benchmark
     * @param items the questions, at least one, ids unique
     */
    public Benchmark {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("a benchmark needs a name");
        }
        if (items == null || items.isEmpty()) {
            throw new InvalidInputException("benchmark " + name + " has no items");
        }
        items = List.copyOf(items);
        Map<String, String> seen = new HashMap<>();
        for (BenchmarkItem item : items) {
            String earlier = seen.putIfAbsent(item.id(), item.origin());
            if (earlier != null) {
                throw new InvalidInputException(item.origin() + ": id \"" + item.id() + "\" already used at " + earlier);
            }
        }
    }

    /**
     * @param name names the benchmark
     * @param items the questions
     * @return the benchmark
     */
    public static Benchmark of(String name, List<BenchmarkItem> items) {
        return new Benchmark(name, items);
    }

    /**
     * Reads a benchmark JSONL file whose image paths are relative to the file's folder.
     *
     * @param jsonl the file
     * @return the benchmark, named after the file
     * @throws InvalidInputException naming {@code file:line} and the field of a malformed line
     */
    public static Benchmark read(Path jsonl) {
        return read(jsonl, null);
    }

    /**
     * Reads a benchmark JSONL file (format above); every image is checked to exist.
     *
     * @param jsonl the file
     * @param imageRoot folder image paths are relative to; null means the file's folder
     * @return the benchmark, named after the file
     * @throws InvalidInputException naming {@code file:line} and the field of a malformed line,
     *     or the file if it cannot be read or holds no item
     */
    public static Benchmark read(Path jsonl, Path imageRoot) {
        if (jsonl == null) {
            throw new InvalidInputException("benchmark file must not be null");
        }
        return SoloProviders.get().readBenchmark(jsonl, imageRoot);
    }

    /**
     * @param count most items to keep
     * @return the first {@code count} items (this benchmark if it has no more)
     */
    public Benchmark limit(int count) {
        if (count < 1) {
            throw new InvalidInputException("limit must be >= 1, got " + count);
        }
        return count >= items.size() ? this : new Benchmark(name, items.subList(0, count));
    }

    /** @return the categories of the items, sorted */
    public Set<String> categories() {
        Set<String> out = new TreeSet<>();
        items.forEach(i -> out.add(i.category()));
        return out;
    }
}
