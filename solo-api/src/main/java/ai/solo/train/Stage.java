package ai.solo.train;

import ai.solo.InvalidInputException;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One stage of training: what data in what mixture, which tokens carry loss, the optimizer
 * and learning-rate schedule, and how long. Immutable; made with {@link #builder(String)}.
 *
 * <p>Batches are packed: samples are concatenated into sequences of {@link #packLength()}
 * tokens with block-diagonal attention (no token attends across samples) and positions
 * restarting per sample. An optimizer step sees {@link #sequencesPerStep()} packed sequences,
 * computed {@link #microBatchSize()} at a time with gradients accumulated in between.
 *
 * @param name a name for logs, metrics and checkpoints
 * @param mixture sources and their sampling weights (including the text-only blend)
 * @param lossRule which tokens carry loss
 * @param template chat format of {@link TrainingSample.Kind#CONVERSATION} samples
 * @param steps optimizer steps
 * @param packLength tokens per packed sequence
 * @param sequencesPerStep packed sequences per optimizer step (the global batch)
 * @param microBatchSize packed sequences per forward pass
 * @param learningRate peak learning rate
 * @param minLearningRate learning rate at the end of the cosine decay
 * @param warmupSteps linear warm-up steps up to the peak (step s of the warm-up runs at peak * (s + 1) / warmupSteps)
 * @param weightDecay AdamW decoupled weight decay
 * @param decayNormsAndEmbeddings whether RMSNorm weights and embeddings are decayed too (off by default)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param epsilon AdamW denominator term
 * @param clipNorm largest global gradient norm (gradients are scaled down above it); 0 disables
 * @param frozen name prefixes of parameters not trained (e.g. {@code "model.layers."})
 * @param initFrom checkpoint folder to start from, or null to continue from the current weights
 * @param heldOut held-out samples for evaluation, or null
 * @param evaluateEvery steps between held-out evaluations (0 = only at the end of the stage)
 * @param nonFiniteLoss what to do when a step's loss is NaN or infinite
 * @param epochs passes over the data to train for instead of {@code steps} (0 = use {@code steps}):
 *     the trainer packs that many samples ({@code epochs} times the sources' total) in a dry run
 *     first and derives the step count, so the schedule knows its length
 */
public record Stage(String name, List<Mixture> mixture, LossRule lossRule, ChatTemplate template, int steps,
        int packLength, int sequencesPerStep, int microBatchSize, double learningRate, double minLearningRate,
        int warmupSteps, double weightDecay, boolean decayNormsAndEmbeddings, double beta1, double beta2,
        double epsilon, double clipNorm, Set<String> frozen, Path initFrom, SampleSource heldOut, int evaluateEvery,
        NonFiniteLoss nonFiniteLoss, double epochs) {

    /**
     * Validates every field.
     *
     * @param name name
     * @param mixture sources and weights
     * @param lossRule loss tokens
     * @param template chat format
     * @param steps optimizer steps
     * @param packLength packed sequence length
     * @param sequencesPerStep global batch
     * @param microBatchSize micro batch
     * @param learningRate peak learning rate
     * @param minLearningRate final learning rate
     * @param warmupSteps warm-up steps
     * @param weightDecay weight decay
     * @param decayNormsAndEmbeddings decay norms and embeddings too
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param epsilon denominator term
     * @param clipNorm gradient clipping norm
     * @param frozen frozen parameter prefixes
     * @param initFrom starting checkpoint
     * @param heldOut held-out samples
     * @param evaluateEvery evaluation interval
     * @param nonFiniteLoss non-finite loss policy
     * @param epochs passes over the data, 0 to use steps
     */
    public Stage {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("stage name must not be blank");
        }
        if (mixture == null || mixture.isEmpty()) {
            throw new InvalidInputException("stage " + name + ": mixture needs at least one source");
        }
        mixture = List.copyOf(mixture);
        frozen = Set.copyOf(frozen == null ? Set.of() : frozen);
        if (lossRule == null || template == null || nonFiniteLoss == null) {
            throw new InvalidInputException("stage " + name + ": lossRule, template and nonFiniteLoss must be set");
        }
        positive(name, "steps", steps);
        if (!(epochs >= 0) || Double.isInfinite(epochs)) {
            throw new InvalidInputException("stage " + name + ": epochs must be a finite number >= 0, got " + epochs);
        }
        positive(name, "packLength", packLength);
        positive(name, "sequencesPerStep", sequencesPerStep);
        positive(name, "microBatchSize", microBatchSize);
        if (sequencesPerStep % microBatchSize != 0) {
            throw new InvalidInputException("stage " + name + ": sequencesPerStep (" + sequencesPerStep
                    + ") must be a multiple of microBatchSize (" + microBatchSize + ")");
        }
        if (!(learningRate > 0) || !(minLearningRate >= 0) || minLearningRate > learningRate) {
            throw new InvalidInputException("stage " + name + ": need 0 <= minLearningRate <= learningRate and learningRate > 0, got "
                    + minLearningRate + " and " + learningRate);
        }
        if (warmupSteps < 0 || evaluateEvery < 0) {
            throw new InvalidInputException("stage " + name + ": warmupSteps and evaluateEvery must be >= 0");
        }
        if (!(weightDecay >= 0) || !(clipNorm >= 0) || !(epsilon > 0)) {
            throw new InvalidInputException("stage " + name + ": weightDecay and clipNorm must be >= 0, epsilon > 0");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidInputException("stage " + name + ": beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        }
    }

    /**
     * @param name the stage's name
     * @return a builder with SOLO's pre-training optimizer settings (AdamW, weight decay 0.1,
     *     clip 1.0, betas 0.9/0.95) and a small default size
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return a builder holding this stage's settings */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.mixture.addAll(mixture);
        b.lossRule = lossRule;
        b.template = template;
        b.steps = steps;
        b.packLength = packLength;
        b.sequencesPerStep = sequencesPerStep;
        b.microBatchSize = microBatchSize;
        b.learningRate = learningRate;
        b.minLearningRate = minLearningRate;
        b.warmupSteps = warmupSteps;
        b.weightDecay = weightDecay;
        b.decayNormsAndEmbeddings = decayNormsAndEmbeddings;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.clipNorm = clipNorm;
        b.frozen = frozen;
        b.initFrom = initFrom;
        b.heldOut = heldOut;
        b.evaluateEvery = evaluateEvery;
        b.nonFiniteLoss = nonFiniteLoss;
        b.epochs = epochs;
        return b;
    }

    /** @return gradient accumulation steps: {@code sequencesPerStep / microBatchSize} */
    public int accumulation() {
        return sequencesPerStep / microBatchSize;
    }

    private static void positive(String stage, String field, long value) {
        if (value < 1) {
            throw new InvalidInputException("stage " + stage + ": " + field + " must be >= 1, got " + value);
        }
    }

    /**
     * A source and its share of the stage's samples.
     *
     * @param source the samples
     * @param weight relative sampling weight, above 0
     */
    public record Mixture(SampleSource source, double weight) {
        /**
         * Validates the fields.
         *
         * @param source the samples
         * @param weight relative weight
         */
        public Mixture {
            if (source == null || !(weight > 0) || Double.isInfinite(weight)) {
                throw new InvalidInputException("a mixture entry needs a source and a finite weight > 0, got " + weight);
            }
        }
    }

    /** What to do when a step's loss is NaN or infinite. */
    public enum NonFiniteLoss {
        /** Stop the run with a clear error; the last checkpoint stays intact. The default. */
        STOP,
        /** Skip the step (no update), log it, go on. */
        SKIP_STEP
    }

    /** Builds a {@link Stage}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<Mixture> mixture = new ArrayList<>();
        private LossRule lossRule = LossRule.ALL_TEXT;
        private ChatTemplate template = ChatTemplates.solo7B();
        private int steps = 100;
        private int packLength = 2048;
        private int sequencesPerStep = 1;
        private int microBatchSize = 1;
        private double learningRate = 5e-5;
        private double minLearningRate = 5e-6;
        private int warmupSteps;
        private double weightDecay = 0.1;
        private boolean decayNormsAndEmbeddings;
        private double beta1 = 0.9;
        private double beta2 = 0.95;
        private double epsilon = 1e-8;
        private double clipNorm = 1.0;
        private Set<String> frozen = Set.of();
        private Path initFrom;
        private SampleSource heldOut;
        private int evaluateEvery;
        private NonFiniteLoss nonFiniteLoss = NonFiniteLoss.STOP;
        private double epochs;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param source samples to draw from
         * @param weight relative sampling weight
         * @return this builder
         */
        public Builder source(SampleSource source, double weight) {
            mixture.add(new Mixture(source, weight));
            return this;
        }

        /**
         * @param rule which tokens carry loss
         * @return this builder
         */
        public Builder lossRule(LossRule rule) {
            lossRule = rule;
            return this;
        }

        /**
         * @param chatTemplate format of conversation samples
         * @return this builder
         */
        public Builder template(ChatTemplate chatTemplate) {
            template = chatTemplate;
            return this;
        }

        /**
         * @param n optimizer steps
         * @return this builder
         */
        public Builder steps(int n) {
            steps = n;
            return this;
        }

        /**
         * @param passes passes over the data (e.g. 1 for SFT's single epoch); the step count is
         *     then derived from the data and {@link #steps(int)} is ignored
         * @return this builder
         */
        public Builder epochs(double passes) {
            epochs = passes;
            return this;
        }

        /**
         * @param tokens tokens per packed sequence
         * @return this builder
         */
        public Builder packLength(int tokens) {
            packLength = tokens;
            return this;
        }

        /**
         * @param sequences packed sequences per optimizer step
         * @param micro packed sequences per forward pass
         * @return this builder
         */
        public Builder batch(int sequences, int micro) {
            sequencesPerStep = sequences;
            microBatchSize = micro;
            return this;
        }

        /**
         * @param peak peak learning rate
         * @param min final learning rate of the cosine decay
         * @param warmup linear warm-up steps
         * @return this builder
         */
        public Builder learningRate(double peak, double min, int warmup) {
            learningRate = peak;
            minLearningRate = min;
            warmupSteps = warmup;
            return this;
        }

        /**
         * @param decay AdamW weight decay
         * @param includeNormsAndEmbeddings whether norms and embeddings are decayed too
         * @return this builder
         */
        public Builder weightDecay(double decay, boolean includeNormsAndEmbeddings) {
            weightDecay = decay;
            decayNormsAndEmbeddings = includeNormsAndEmbeddings;
            return this;
        }

        /**
         * @param b1 first-moment decay
         * @param b2 second-moment decay
         * @param eps denominator term
         * @return this builder
         */
        public Builder adam(double b1, double b2, double eps) {
            beta1 = b1;
            beta2 = b2;
            epsilon = eps;
            return this;
        }

        /**
         * @param norm largest global gradient norm, 0 to disable clipping
         * @return this builder
         */
        public Builder clipNorm(double norm) {
            clipNorm = norm;
            return this;
        }

        /**
         * @param prefixes name prefixes of parameters to keep fixed
         * @return this builder
         */
        public Builder frozen(Set<String> prefixes) {
            frozen = prefixes;
            return this;
        }

        /**
         * @param checkpoint folder to load weights from before the stage, or null
         * @return this builder
         */
        public Builder initFrom(Path checkpoint) {
            initFrom = checkpoint;
            return this;
        }

        /**
         * @param samples held-out samples
         * @param every steps between evaluations (0 = end of stage only)
         * @return this builder
         */
        public Builder heldOut(SampleSource samples, int every) {
            heldOut = samples;
            evaluateEvery = every;
            return this;
        }

        /**
         * @param policy what to do on a NaN or infinite loss
         * @return this builder
         */
        public Builder nonFiniteLoss(NonFiniteLoss policy) {
            nonFiniteLoss = policy;
            return this;
        }

        /**
         * @return the stage
         * @throws InvalidInputException naming the stage and field at fault
         */
        public Stage build() {
            return new Stage(name, mixture, lossRule, template, steps, packLength, sequencesPerStep, microBatchSize,
                    learningRate, minLearningRate, warmupSteps, weightDecay, decayNormsAndEmbeddings, beta1, beta2,
                    epsilon, clipNorm, frozen, initFrom, heldOut, evaluateEvery, nonFiniteLoss, epochs);
        }
    }
}
