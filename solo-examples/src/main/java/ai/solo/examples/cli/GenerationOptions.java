package ai.solo.examples.cli;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloModel;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code solo generate} and {@code solo chat}: which model, how it runs, its
 * chat format and the decoding options. Decoding starts from the model folder's
 * {@code generation_config.json} when there is one; flags given on the command line win.
 */
final class GenerationOptions {

    /** The chat formats a command line can name. */
    enum Template {
        /** SOLO-7B's format: images first, then {@code <s>[INST] prompt [/INST]} (SPEC §3). */
        SOLO7B,
        /** {@code <s>} then images and text in order, no role markers: for pre-trained checkpoints. */
        PLAIN;

        ChatTemplate chatTemplate() {
            return this == SOLO7B ? ChatTemplates.solo7B() : ChatTemplates.plain();
        }
    }

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint folder with tokenizer.json.")
    Path model;

    @Option(names = "--template", defaultValue = "solo7b", paramLabel = "solo7b|plain",
            description = "Chat format: solo7b (images, then <s>[INST] prompt [/INST]) or plain "
                    + "(<s>, images, text; for pre-trained checkpoints). Default: ${DEFAULT-VALUE}.")
    Template template;

    @Option(names = "--system", paramLabel = "TEXT",
            description = "System instructions, put before the first prompt.")
    String system;

    @Option(names = "--precision", defaultValue = "FLOAT32", paramLabel = "FLOAT32|FLOAT16",
            description = "FLOAT32 or FLOAT16 (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--greedy", description = "Greedy decoding: always the most likely token (overrides sampling flags).")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, > 0; turns sampling on.")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling probability in (0, 1]; turns sampling on.")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample from the K most likely tokens (0: all); turns sampling on.")
    Integer topK;

    @Option(names = "--min-p", paramLabel = "P",
            description = "Drop tokens less likely than P times the most likely, in [0, 1); turns sampling on.")
    Double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "Penalty on repeated tokens, > 0 (1: none).")
    Double repetitionPenalty;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Most tokens to generate (default: generation_config.json, else 256).")
    Integer maxNewTokens;

    @Option(names = "--seed", paramLabel = "S", description = "Sampler seed: same seed, same output.")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT",
            description = "Stop when the output contains TEXT (repeatable; replaces stop_strings of generation_config.json).")
    List<String> stop;

    /** @return device and precision of the model */
    ModelOptions modelOptions() {
        return new ModelOptions(device, precision);
    }

    /**
     * Decoding options: the model folder's {@code generation_config.json} when present, then the
     * flags. {@code --greedy} forces greedy decoding; any sampling flag without it turns sampling on.
     *
     * @return the validated config
     * @throws ai.solo.InvalidInputException naming the first invalid field
     */
    GenerationConfig generationConfig() {
        Path file = model.resolve("generation_config.json");
        GenerationConfig.Builder b = Files.isRegularFile(file)
                ? GenerationConfig.read(file).toBuilder() : GenerationConfig.builder();
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (topP != null) {
            b.topP(topP);
        }
        if (topK != null) {
            b.topK(topK);
        }
        if (minP != null) {
            b.minP(minP);
        }
        if (repetitionPenalty != null) {
            b.repetitionPenalty(repetitionPenalty);
        }
        if (maxNewTokens != null) {
            b.maxNewTokens(maxNewTokens);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (stop != null) {
            b.stopStrings(stop);
        }
        if (greedy) {
            b.doSample(false);
        } else if (temperature != null || topP != null || topK != null || minP != null) {
            b.doSample(true);
        }
        return b.build();
    }

    /**
     * Fails early, in one line, when the folder cannot serve text generation.
     *
     * @param dir the model folder
     * @throws CheckpointException if it is missing or has no {@code tokenizer.json}
     */
    static void requireTokenizer(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": model folder not found");
        }
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new CheckpointException(dir + ": no tokenizer.json; generation needs the model's tokenizer "
                    + "(copy the tokenizer.json it was trained with into the folder)");
        }
    }

    /**
     * @param image an image file named on the command line
     * @return the same path
     * @throws InvalidInputException if there is no such file
     */
    static Path requireImage(Path image) {
        if (!Files.isRegularFile(image)) {
            throw new InvalidInputException(image + ": image file not found");
        }
        return image;
    }

    /**
     * @param dir the model folder, checked by {@link #requireTokenizer}
     * @param options device and precision
     * @return the model, with its tokenizer; the caller closes it
     */
    static SoloModel load(Path dir, ModelOptions options) {
        requireTokenizer(dir);
        return SoloModel.load(dir, options);
    }

    /**
     * @param model a model with a tokenizer
     * @param template the chat format
     * @return a generator for it
     */
    static Generator generator(SoloModel model, Template template) {
        return Generator.builder(model).chatTemplate(template.chatTemplate()).build();
    }
}
