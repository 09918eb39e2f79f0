package ai.solo.examples.cli;

import ai.solo.ModelOptions;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Prompt;
import ai.solo.generate.TokenListener;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo generate}: one answer to a prompt with optional images, in the model's chat format.
 * {@code --output json} prints what is needed to debug a prompt: the full prompt ids as fed to
 * the model (image layout included), the generated ids, why generation stopped, timings and
 * the decoding options in effect.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Answer a prompt (with optional images) and print the answer.")
final class GenerateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indented, {@code "key": value} as Python's {@code json.dumps(indent=2)} writes it. */
    private static final ObjectWriter JSON_WRITER = JSON.writer(new DefaultPrettyPrinter().withSeparators(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    /** How the answer is printed. */
    enum Output {
        /** The answer's text alone. */
        TEXT,
        /** One JSON object: text, ids, finish reason, timings, options. */
        JSON
    }

    @Mixin
    GenerationOptions options;

    @Option(names = "--image", paramLabel = "IMG",
            description = "Image file (repeatable); images go before the prompt's text, in order.")
    List<Path> images = List.of();

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The question or instruction.")
    String prompt;

    @Option(names = "--stream", description = "Print the answer piece by piece as it is generated.")
    boolean stream;

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
            description = "text (the answer) or json (answer, token ids, prompt ids, finish reason, timings). "
                    + "Default: ${DEFAULT-VALUE}.")
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (stream && output == Output.JSON) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--stream prints plain text as it comes; it cannot be combined with --output json");
        }
        GenerationOptions.requireTokenizer(options.model);
        GenerationConfig config = options.generationConfig();
        Conversation conversation = conversation(options.system, images, prompt);
        PrintWriter out = spec.commandLine().getOut();
        TokenListener listener = stream ? token -> {
            out.print(token.text());
            out.flush();
            return true;
        } : null;
        GenerationResult result = generate(options.model, options.modelOptions(), options.template, conversation,
                config, listener);
        if (output == Output.JSON) {
            out.println(json(result, config));
        } else if (stream) {
            out.println();
        } else {
            out.println(result.text());
        }
        return 0;
    }

    /**
     * @param system system instructions, or null
     * @param images image files, put before the text
     * @param text the user's text
     * @return a conversation of one user turn
     * @throws ai.solo.InvalidInputException if an image file does not exist
     */
    static Conversation conversation(String system, List<Path> images, String text) {
        Prompt.Builder prompt = Prompt.builder();
        for (Path image : images) {
            prompt.image(GenerationOptions.requireImage(image));
        }
        Conversation.Builder chat = Conversation.builder();
        if (system != null) {
            chat.system(system);
        }
        return chat.user(prompt.text(text).build()).build();
    }

    /**
     * Loads the model, answers, and closes the model.
     *
     * @param modelDir checkpoint folder with {@code tokenizer.json}
     * @param modelOptions device and precision
     * @param template chat format
     * @param conversation what to answer
     * @param config decoding options
     * @param listener receives the answer as it is generated; may be null
     * @return the answer
     */
    static GenerationResult generate(Path modelDir, ModelOptions modelOptions, GenerationOptions.Template template,
            Conversation conversation, GenerationConfig config, TokenListener listener) {
        try (SoloModel model = GenerationOptions.load(modelDir, modelOptions)) {
            return GenerationOptions.generator(model, template).generate(conversation, config, listener);
        }
    }

    /**
     * @param r a result
     * @param config the options that produced it
     * @return one indented JSON object: {@code text}, {@code token_ids}, {@code prompt_token_ids},
     *     {@code finish_reason}, {@code timings} and {@code config}
     */
    static String json(GenerationResult r, GenerationConfig config) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", r.text());
        ids(root.putArray("token_ids"), r.tokenIds());
        ids(root.putArray("prompt_token_ids"), r.promptTokenIds());
        root.put("finish_reason", r.finishReason().name().toLowerCase(Locale.ROOT));
        GenerationResult.Timings t = r.timings();
        ObjectNode timings = root.putObject("timings");
        timings.put("prompt_tokens", r.promptTokens());
        timings.put("generated_tokens", r.generatedTokens());
        timings.put("preprocess_ms", millis(t.preprocessNanos()));
        timings.put("time_to_first_token_ms", millis(t.timeToFirstTokenNanos()));
        timings.put("decode_ms", millis(t.decodeNanos()));
        timings.put("total_ms", millis(t.totalNanos()));
        timings.put("decode_tokens_per_s", Math.round(t.decodeTokensPerSecond(r.generatedTokens()) * 100) / 100.0);
        ObjectNode c = root.putObject("config");
        c.put("max_new_tokens", config.maxNewTokens());
        c.put("do_sample", config.doSample());
        c.put("temperature", config.temperature());
        c.put("top_k", config.topK());
        c.put("top_p", config.topP());
        c.put("min_p", config.minP());
        c.put("repetition_penalty", config.repetitionPenalty());
        c.put("seed", config.seed().isPresent() ? config.seed().getAsLong() : null);
        config.stopStrings().forEach(c.putArray("stop_strings")::add);
        config.stopTokenIds().forEach(c.putArray("stop_token_ids")::add);
        try {
            return JSON_WRITER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the result as JSON", e);
        }
    }

    private static void ids(ArrayNode array, int[] ids) {
        for (int id : ids) {
            array.add(id);
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
