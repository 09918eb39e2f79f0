package ai.solo.examples.cli;

import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloModel;
import ai.solo.eval.AnswerMetrics;
import ai.solo.eval.Benchmark;
import ai.solo.eval.CategoryScores;
import ai.solo.eval.EvaluationReport;
import ai.solo.eval.Evaluator;
import ai.solo.eval.ItemResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo evaluate}: scores a model on a benchmark JSONL file (format in
 * {@code docs/EVALUATION.md}), prints a table per category and overall, and writes every
 * metric and every item's result as JSON.
 *
 * <pre>
 * solo evaluate --model DIR --data bench.jsonl [--image-root DIR] [--out report.json]
 *     [--max-new-tokens N] [--limit N] [--batch N] [--template solo7b|plain] [--cloze] [--no-letters]
 * </pre>
 *
 * <p>The benchmark is read and checked before the model is loaded, so a malformed line fails
 * at once, in one line naming {@code file:line} and the field.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on a benchmark JSONL file: multiple-choice accuracy by log-likelihood "
                + "(acc, acc_norm) and by generated letter, exact match and token F1 of short answers.",
            "Prints a table per category and overall; writes every metric and item result as JSON."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder with tokenizer.json.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Benchmark JSONL: {\"id\", \"image\", \"question\", \"choices\", \"answer\", \"category\"} per line.")
    Path data;

    @Option(names = "--image-root", paramLabel = "DIR",
            description = "Folder that image paths of --data resolve against (default: the data file's folder).")
    Path imageRoot;

    @Option(names = "--out", paramLabel = "FILE",
            description = "JSON report to write (default: next to --data, <name>.eval.json).")
    Path out;

    @Option(names = "--max-new-tokens", defaultValue = "16", paramLabel = "N",
            description = "Most tokens generated per answer (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N items.")
    Integer limit;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "N",
            description = "Prompts generated together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--template", defaultValue = "solo7b", paramLabel = "solo7b|plain",
            description = "Chat format: solo7b (images, then <s>[INST] prompt [/INST]) or plain. Default: ${DEFAULT-VALUE}.")
    GenerationOptions.Template template;

    @Option(names = "--no-letters",
            description = "Do not generate answers to multiple-choice items (skips the letter metric; faster).")
    boolean noLetters;

    @Option(names = "--cloze",
            description = "Score each choice after the question alone, without listing the choices in the prompt "
                    + "(lm-eval's cloze formulation; for models never trained on listed choices).")
    boolean cloze;

    @Option(names = "--choice-instruction", paramLabel = "TEXT",
            description = "Line after the choices when a letter is generated (default: \"" + Evaluator.Builder.LLAVA_CHOICE_INSTRUCTION
                    + "\"; \"\" for none).")
    String choiceInstruction;

    @Option(names = "--answer-instruction", paramLabel = "TEXT",
            description = "Line after a short-answer question (default: none; LLaVA uses \""
                    + Evaluator.Builder.LLAVA_ANSWER_INSTRUCTION + "\").")
    String answerInstruction;

    @Option(names = "--precision", defaultValue = "FLOAT32", paramLabel = "FLOAT32|FLOAT16",
            description = "FLOAT32 or FLOAT16 (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        Benchmark benchmark = Benchmark.read(data, imageRoot);
        if (limit != null) {
            benchmark = benchmark.limit(limit);
        }
        GenerationOptions.requireTokenizer(model);
        Path report = out != null ? out : defaultOut(data);
        PrintWriter printed = spec.commandLine().getOut();
        printed.printf(Locale.ROOT, "%s: %d items (%d multiple-choice), model %s%n", data, benchmark.items().size(),
                benchmark.items().stream().filter(i -> i.isMultipleChoice()).count(), model);
        printed.flush();
        long start = System.nanoTime();
        EvaluationReport result;
        try (SoloModel m = SoloModel.load(model, new ModelOptions(device, precision))) {
            Evaluator.Builder builder = Evaluator.builder(m).chatTemplate(template.chatTemplate())
                    .maxNewTokens(maxNewTokens).batchSize(batch).listChoices(!cloze).generateLetters(!noLetters);
            if (choiceInstruction != null) {
                builder.choiceInstruction(choiceInstruction);
            }
            if (answerInstruction != null) {
                builder.answerInstruction(answerInstruction);
            }
            result = builder.build().evaluate(benchmark, progress(printed, benchmark.items().size()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        printed.println();
        printed.print(result.table());
        printed.println();
        JsonReport.write(report, json(result, seconds));
        printed.printf(Locale.ROOT, "%d items in %.1f s; report: %s%n", benchmark.items().size(), seconds, report);
        return 0;
    }

    private void validate() {
        if (maxNewTokens < 1) {
            throw usage("--max-new-tokens must be >= 1, got " + maxNewTokens);
        }
        if (batch < 1) {
            throw usage("--batch must be >= 1, got " + batch);
        }
        if (limit != null && limit < 1) {
            throw usage("--limit must be >= 1, got " + limit);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** @return {@code <folder of data>/<name without extension>.eval.json} */
    static Path defaultOut(Path data) {
        String name = String.valueOf(data.getFileName());
        int dot = name.lastIndexOf('.');
        Path folder = data.toAbsolutePath().getParent();
        return folder.resolve((dot > 0 ? name.substring(0, dot) : name) + ".eval.json");
    }

    /** Prints a progress line at every tenth of a benchmark of at least 50 items. */
    private static java.util.function.Consumer<ItemResult> progress(PrintWriter out, int total) {
        if (total < 50) {
            return null;
        }
        int[] done = {0};
        int every = (total + 9) / 10;
        return r -> {
            done[0]++;
            if (done[0] % every == 0 && done[0] < total) {
                out.printf(Locale.ROOT, "  %d/%d items%n", done[0], total);
                out.flush();
            }
        };
    }

    private ObjectNode json(EvaluationReport r, double seconds) {
        ObjectNode root = JsonReport.object();
        root.put("benchmark", r.benchmark());
        root.put("data", data.toString());
        root.put("model", model.toString());
        ObjectNode settings = root.putObject("settings");
        settings.put("template", template.name().toLowerCase(Locale.ROOT));
        settings.put("max_new_tokens", maxNewTokens);
        settings.put("batch", batch);
        settings.put("list_choices", !cloze);
        settings.put("generate_letters", !noLetters);
        settings.put("choice_instruction", choiceInstruction != null ? choiceInstruction.strip()
                : Evaluator.Builder.LLAVA_CHOICE_INSTRUCTION);
        settings.put("answer_instruction", answerInstruction != null ? answerInstruction.strip() : "");
        settings.put("limit", limit);
        root.put("seconds", Math.round(seconds * 1000) / 1000.0);
        scores(root.putObject("overall"), r.overall());
        var categories = root.putArray("categories");
        r.categories().forEach(c -> scores(categories.addObject(), c));
        var items = root.putArray("items");
        for (ItemResult i : r.items()) {
            item(items.addObject(), i);
        }
        return root;
    }

    private static void scores(ObjectNode o, CategoryScores s) {
        o.put("category", s.category());
        o.put("items", s.items());
        o.put("multiple_choice", s.multipleChoice());
        o.put("short_answer", s.shortAnswer());
        JsonReport.number(o, "acc", s.accuracy());
        JsonReport.number(o, "acc_stderr", s.accuracyStderr());
        JsonReport.number(o, "acc_norm", s.accuracyNormalized());
        JsonReport.number(o, "letter_acc", s.letterAccuracy());
        JsonReport.number(o, "exact_match", s.exactMatch());
        JsonReport.number(o, "f1", s.f1());
    }

    private static void item(ObjectNode o, ItemResult r) {
        o.put("id", r.id());
        o.put("category", r.category());
        if (r.isMultipleChoice()) {
            o.put("type", "multiple_choice");
            o.put("answer", AnswerMetrics.letter(r.answerIndex()));
            if (r.scoredByLikelihood()) {
                var ll = o.putArray("choice_loglikelihoods");
                r.choiceLogLikelihoods().forEach(v -> ll.add(Math.round(v * 1e4) / 1e4));
                var tokens = o.putArray("choice_tokens");
                r.choiceTokens().forEach(tokens::add);
                o.put("predicted", AnswerMetrics.letter(r.predicted()));
                o.put("predicted_norm", AnswerMetrics.letter(r.predictedNormalized()));
            }
            o.put("generated", r.generated());
            o.put("generated_choice", r.generatedChoice() < 0 ? null : AnswerMetrics.letter(r.generatedChoice()));
        } else {
            o.put("type", "short_answer");
            var answers = o.putArray("answers");
            r.answers().forEach(answers::add);
            o.put("generated", r.generated());
            JsonReport.number(o, "exact_match", r.exactMatch());
            JsonReport.number(o, "f1", Math.round(r.f1() * 1e4) / 1e4);
        }
    }
}
