package ai.solo.examples.cli;

import ai.solo.CheckpointException;
import ai.solo.InvalidInputException;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.ChatTemplates;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingSummary;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo train}: runs a recipe file (docs/RECIPE.md), or fine-tunes on one data file.
 *
 * <pre>
 * solo train --recipe recipe.json --model DIR --out runs/x [--resume] [--checkpoint-every N] [--seed S]
 * solo train --recipe recipe.json --config config.json --tokenizer tokenizer.json --out runs/x
 * solo train --data sft.json --format llava --image-root images --model DIR --out runs/sft [--steps N --lr X]
 * </pre>
 *
 * <p>The model is a checkpoint folder ({@code --model}) or a fresh random one from a
 * {@code config.json} ({@code --config}, seeded by {@code --seed}). Training renders text, so it
 * needs a tokenizer: the folder's {@code tokenizer.json}, or {@code --tokenizer}. Progress is
 * printed as it goes; checkpoints, {@code metrics.jsonl} and {@code loss.png} go to {@code --out}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model: run a recipe file, or fine-tune on one data file.",
            "Checkpoints, metrics.jsonl and loss.png go to --out; --resume continues from its newest checkpoint."})
final class TrainCommand implements Callable<Integer> {
    /** Learning rate of instruction fine-tuning (SPEC §4), the default of {@code --data}. */
    static final double SFT_LEARNING_RATE = 1e-5;
    /** Steps of {@code --data} when {@code --steps} is not given. */
    static final int SFT_STEPS = 100;
    /** Samples in the shuffle buffer of {@code --data}, as recipes default to. */
    static final int SHUFFLE_BUFFER = 10_000;

    @Option(names = "--recipe", paramLabel = "FILE", description = "Recipe JSON file (see docs/RECIPE.md).")
    Path recipe;

    @Option(names = "--data", paramLabel = "FILE",
            description = "Fine-tune on this data file (or folder for image_folder) instead of a recipe: "
                    + "one stage \"sft\", loss on answers only, solo7b chat format.")
    Path data;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Format of --data: llava, solo_pretraining, image_folder, labelled_images or text "
                    + "(default: llava).")
    DataFormat format;

    @Option(names = "--image-root", paramLabel = "DIR",
            description = "Folder that image paths of --data resolve against (default: the data file's folder).")
    Path imageRoot;

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint folder of the model to train.")
    Path model;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config.json of a new model with random weights (seeded by --seed), instead of --model.")
    Path config;

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "tokenizer.json (or its folder), when the model folder has none.")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: checkpoints, metrics.jsonl, loss.png.")
    Path out;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
    boolean resume;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N",
            description = "Steps between checkpoints; 0 writes one only at the end of each stage (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of data order and mixture sampling, and of --config's random weights "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", paramLabel = "N", description = "With --data: optimizer steps (default: " + SFT_STEPS + ").")
    Integer steps;

    @Option(names = "--lr", paramLabel = "X",
            description = "With --data: peak learning rate, with 3%% warm-up then cosine decay to 0 (default: 1e-5).")
    Double lr;

    @Option(names = "--pack-length", paramLabel = "N", description = "With --data: tokens per packed sequence (default: 2048).")
    Integer packLength;

    @Option(names = "--batch", paramLabel = "N", description = "With --data: packed sequences per optimizer step (default: 1).")
    Integer batch;

    @Option(names = "--micro-batch", paramLabel = "N",
            description = "With --data: packed sequences per forward pass; divides --batch (default: 1).")
    Integer microBatch;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--devices", split = ",", paramLabel = "DEVICE",
            description = "Data-parallel training over these devices, e.g. gpu:0,gpu:1 (default: --device only).")
    List<String> devices = new ArrayList<>();

    @Option(names = "--mixed-precision",
            description = "float16 forward and backward with float32 master weights and dynamic loss scaling (GPUs).")
    boolean mixedPrecision;

    @Option(names = "--activation-checkpointing",
            description = "Keep only each layer's input and recompute the layer in the backward pass: less memory, more time.")
    boolean activationCheckpointing;

    @Option(names = "--attention-block", paramLabel = "N",
            description = "Queries per attention block (default: " + ModelOptions.DEFAULT_ATTENTION_BLOCK + ").")
    Integer attentionBlock;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        validate();
        PrintWriter printed = spec.commandLine().getOut();
        Recipe r = recipe != null ? Recipe.read(recipe) : fineTuning();
        try {
            requireTokenizer();
            TrainingSummary summary;
            try (PrintStream progress = printStream(printed)) {
                summary = train(r, progress);
            }
            printed.printf(Locale.ROOT, "final loss: %s%n", loss(summary.finalLoss()));
            printed.printf(Locale.ROOT, "held-out loss: %s%n",
                    Double.isNaN(summary.finalHeldOutLoss()) ? "not evaluated" : loss(summary.finalHeldOutLoss()));
            printed.printf("checkpoint: %s%n", summary.checkpoint());
            return 0;
        } finally {
            close(r);
        }
    }

    /** Flags that cannot go together are usage errors (exit code 2), reported before anything is read. */
    private void validate() {
        if ((recipe == null) == (data == null)) {
            throw usage("give either --recipe FILE (a recipe) or --data FILE (fine-tuning on one data file)");
        }
        if ((model == null) == (config == null)) {
            throw usage("give either --model DIR (a checkpoint to train) or --config FILE (a new model)");
        }
        if (recipe != null) {
            List<String> dataOnly = new ArrayList<>();
            addIf(dataOnly, format != null, "--format");
            addIf(dataOnly, imageRoot != null, "--image-root");
            addIf(dataOnly, steps != null, "--steps");
            addIf(dataOnly, lr != null, "--lr");
            addIf(dataOnly, packLength != null, "--pack-length");
            addIf(dataOnly, batch != null, "--batch");
            addIf(dataOnly, microBatch != null, "--micro-batch");
            if (!dataOnly.isEmpty()) {
                throw usage(String.join(", ", dataOnly) + " only go with --data; a recipe sets them per stage");
            }
        }
        if (checkpointEvery < 0) {
            throw usage("--checkpoint-every must be >= 0, got " + checkpointEvery);
        }
    }

    private static void addIf(List<String> list, boolean condition, String flag) {
        if (condition) {
            list.add(flag);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** @return the one-stage recipe of {@code --data}: SFT on answers only in SOLO-7B's chat format */
    private Recipe fineTuning() {
        int n = steps == null ? SFT_STEPS : steps;
        double peak = lr == null ? SFT_LEARNING_RATE : lr;
        int sequences = batch == null ? 1 : batch;
        int micro = microBatch == null ? 1 : microBatch;
        SampleSource source = SampleSources.read(format == null ? DataFormat.LLAVA : format, data, imageRoot);
        try {
            Stage.Builder stage = Stage.builder("sft")
                    .source(SampleSources.shuffled(source, SHUFFLE_BUFFER, seed), 1.0)
                    .lossRule(LossRule.ANSWERS_ONLY)
                    .template(ChatTemplates.solo7B())
                    .steps(n)
                    .batch(sequences, micro)
                    .learningRate(peak, 0, (int) Math.round(n * 0.03));
            if (packLength != null) {
                stage.packLength(packLength);
            }
            return Recipe.of(stage.build());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** Fails before loading weights when there is no tokenizer to render the data with. */
    private void requireTokenizer() {
        if (tokenizer != null) {
            if (!Files.exists(tokenizer)) {
                throw new InvalidInputException(tokenizer + ": tokenizer not found");
            }
            return;
        }
        Path folder = model != null ? model : config.toAbsolutePath().getParent();
        if (model != null && !Files.isDirectory(model)) {
            throw new CheckpointException(model + ": model folder not found");
        }
        if (!Files.isRegularFile(folder.resolve("tokenizer.json"))) {
            throw new InvalidInputException(folder + ": no tokenizer.json; training renders text with the model's "
                    + "tokenizer: pass --tokenizer PATH");
        }
    }

    /**
     * Loads or creates the model, trains it and closes it.
     *
     * @param r the recipe
     * @param progress where the progress bar goes
     * @return what the run did
     */
    private TrainingSummary train(Recipe r, PrintStream progress) {
        ModelOptions options = new ModelOptions(device, Precision.FLOAT32,
                attentionBlock != null ? attentionBlock : ModelOptions.DEFAULT_ATTENTION_BLOCK);
        try (SoloModel m = model != null ? SoloModel.load(model, options)
                : SoloModel.create(SoloConfig.read(config), seed, options)) {
            SoloTokenizer attached = attachTokenizer(m);
            try (Trainer trainer = Trainer.builder(m, r).outputDir(out).checkpointEvery(checkpointEvery)
                    .resume(resume).seed(seed).progress(progress).devices(devices.toArray(String[]::new))
                    .mixedPrecision(mixedPrecision).activationCheckpointing(activationCheckpointing).build()) {
                return trainer.run();
            } finally {
                if (attached != null) {
                    attached.close();
                }
            }
        }
    }

    /**
     * @param m the model
     * @return the tokenizer loaded from {@code --tokenizer} or next to {@code --config} and
     *     attached (the caller closes it), or null when the model loaded its own
     */
    private SoloTokenizer attachTokenizer(SoloModel m) {
        Path path = tokenizer;
        if (path == null && m.tokenizer().isPresent()) {
            return null;
        }
        if (path == null) {
            path = config.toAbsolutePath().getParent().resolve("tokenizer.json");
        }
        SoloTokenizer loaded = SoloTokenizer.load(path);
        try {
            m.attachTokenizer(loaded);
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private static void close(Recipe r) {
        for (Stage stage : r.stages()) {
            stage.mixture().forEach(m -> m.source().close());
            if (stage.heldOut() != null) {
                stage.heldOut().close();
            }
        }
    }

    private static String loss(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : String.valueOf(value);
    }

    /**
     * @param out the CLI's standard output
     * @return a print stream into it, for the trainer's progress bar
     */
    static PrintStream printStream(PrintWriter out) {
        return new PrintStream(new WriterStream(out), true, StandardCharsets.UTF_8);
    }

    /** UTF-8 bytes into a {@link PrintWriter}; a character split across writes is kept until complete. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] leftover = new byte[0];

        WriterStream(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ByteBuffer in = ByteBuffer.allocate(leftover.length + len).put(leftover).put(b, off, len).flip();
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            out.append(chars.flip());
            leftover = new byte[in.remaining()];
            in.get(leftover);
        }

        @Override
        public void flush() {
            out.flush();
        }

        /** Flushes; the CLI's stream itself stays open. */
        @Override
        public void close() {
            flush();
        }
    }
}
