package ai.solo.train;

import ai.solo.InvalidInputException;
import ai.solo.SoloModel;
import ai.solo.spi.SoloProviders;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains or fine-tunes a SOLO model: SOLO's staged recipe or a single stage on the user's data.
 *
 * <pre>{@code
 * Stage sft = Stage.builder("sft")
 *         .source(SampleSources.read(DataFormat.LLAVA, Path.of("train.json"), Path.of("images")), 1.0)
 *         .lossRule(LossRule.ANSWERS_ONLY).steps(500).packLength(2048).batch(8, 2)
 *         .learningRate(1e-5, 0, 30).build();
 * try (Trainer trainer = Trainer.builder(model, Recipe.of(sft)).outputDir(Path.of("runs/sft"))
 *         .checkpointEvery(100).progress(System.out).build()) {
 *     TrainingSummary summary = trainer.run();
 * }
 * }</pre>
 *
 * <p>Output folder: {@code checkpoint-<stage>-<step>/} every {@link Builder#checkpointEvery}
 * steps and {@code <stage>/} after each stage, each a Hugging Face checkpoint plus
 * {@code trainer_state/} (optimizer moments, step, data position and loss scale; the data order
 * is rebuilt from the seed), written to a temporary folder and renamed, so a process killed at
 * any moment leaves the previous checkpoint intact; {@code metrics.jsonl} and {@code loss.png}. {@link Builder#resume} continues
 * from the newest checkpoint with the same loss trajectory as an uninterrupted run.
 *
 * <p>The model is trained in place. A trainer owns optimizer state in native memory: close it.
 * Not thread-safe; the model must not be used for inference while it trains.
 */
public interface Trainer extends AutoCloseable {

    /**
     * @param model the model to train, in place
     * @param recipe the stages to run
     * @return a builder
     */
    static Builder builder(SoloModel model, Recipe recipe) {
        return new Builder(model, recipe);
    }

    /**
     * Runs the recipe to its end (or from the newest checkpoint when resuming).
     *
     * @return what the run did
     */
    TrainingSummary run();

    /** Releases optimizer state; safe to call twice. */
    @Override
    void close();

    /**
     * Validated trainer settings.
     *
     * @param model the model
     * @param recipe the stages
     * @param outputDir where checkpoints and metrics go
     * @param checkpointEvery steps between checkpoints (0 = only after each stage)
     * @param resume whether to continue from the newest checkpoint in {@code outputDir}
     * @param seed seed of data order and mixture sampling
     * @param listeners observers of the run
     * @param progress where a console progress bar goes, or null
     * @param compute devices, precision and activation checkpointing
     */
    record Settings(SoloModel model, Recipe recipe, Path outputDir, int checkpointEvery, boolean resume, long seed,
            List<TrainingListener> listeners, PrintStream progress, ComputeOptions compute) {
    }

    /** Builds a {@link Trainer}; {@link #build()} validates every field. Not thread-safe. */
    final class Builder {
        private final SoloModel model;
        private final Recipe recipe;
        private Path outputDir;
        private int checkpointEvery;
        private boolean resume;
        private long seed = 42;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private PrintStream progress;
        private ComputeOptions compute = ComputeOptions.defaults();

        private Builder(SoloModel model, Recipe recipe) {
            this.model = model;
            this.recipe = recipe;
        }

        /**
         * @param dir folder for checkpoints, {@code metrics.jsonl} and {@code loss.png}
         * @return this builder
         */
        public Builder outputDir(Path dir) {
            outputDir = dir;
            return this;
        }

        /**
         * @param steps steps between checkpoints; 0 writes one only after each stage
         * @return this builder
         */
        public Builder checkpointEvery(int steps) {
            checkpointEvery = steps;
            return this;
        }

        /**
         * @param fromNewestCheckpoint continue from the newest checkpoint in the output folder
         * @return this builder
         */
        public Builder resume(boolean fromNewestCheckpoint) {
            resume = fromNewestCheckpoint;
            return this;
        }

        /**
         * @param s seed of data order and mixture sampling
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * @param listener an observer of the run
         * @return this builder
         */
        public Builder listener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * @param out where to draw a progress bar with ETA per stage (e.g. {@code System.out})
         * @return this builder
         */
        public Builder progress(PrintStream out) {
            progress = out;
            return this;
        }

        /**
         * Data-parallel training over several devices of this machine (see {@link ComputeOptions}).
         *
         * @param names device names, e.g. {@code "gpu:0", "gpu:1"}; none for the model's device
         * @return this builder
         */
        public Builder devices(String... names) {
            compute = new ComputeOptions(List.of(names), compute.mixedPrecision(), compute.activationCheckpointing(),
                    compute.initialLossScale(), compute.lossScaleGrowthInterval());
            return this;
        }

        /**
         * @param on float16 forward and backward with float32 master weights and dynamic loss
         *     scaling (see {@link ComputeOptions}); the model must be float32
         * @return this builder
         */
        public Builder mixedPrecision(boolean on) {
            compute = new ComputeOptions(compute.devices(), on, compute.activationCheckpointing(),
                    compute.initialLossScale(), compute.lossScaleGrowthInterval());
            return this;
        }

        /**
         * @param on keep only each layer's input in the forward pass and recompute the layer in the
         *     backward pass: far less activation memory for about a third more time
         * @return this builder
         */
        public Builder activationCheckpointing(boolean on) {
            compute = new ComputeOptions(compute.devices(), compute.mixedPrecision(), on, compute.initialLossScale(),
                    compute.lossScaleGrowthInterval());
            return this;
        }

        /**
         * @param options every compute setting at once
         * @return this builder
         */
        public Builder compute(ComputeOptions options) {
            compute = options;
            return this;
        }

        /**
         * @return the trainer
         * @throws InvalidInputException naming a missing or invalid setting
         */
        public Trainer build() {
            if (model == null || recipe == null) {
                throw new InvalidInputException("Trainer needs a model and a recipe");
            }
            if (outputDir == null) {
                throw new InvalidInputException("Trainer needs an outputDir for checkpoints and metrics");
            }
            if (checkpointEvery < 0) {
                throw new InvalidInputException("checkpointEvery must be >= 0, got " + checkpointEvery);
            }
            if (listeners.contains(null)) {
                throw new InvalidInputException("listeners must not be null");
            }
            if (compute == null) {
                throw new InvalidInputException("compute options must not be null");
            }
            return SoloProviders.get().trainer(new Settings(model, recipe, outputDir, checkpointEvery, resume, seed,
                    List.copyOf(listeners), progress, compute));
        }
    }
}
