package ai.solo.generate;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decoding options, as Hugging Face's {@code GenerationConfig}: immutable, made with
 * {@link #builder()} (whose {@link Builder#build()} validates every field) or read from a
 * model folder's {@code generation_config.json} with {@link #read(Path)}.
 *
 * <p>Sampling applies, in order: repetition penalty, suppressed tokens, temperature, top-k,
 * top-p, min-p; then draws from a generator seeded with {@link #seed()}, so the same seed gives
 * the same output (every sequence of a batch uses it, so each equals its run alone). Without a
 * seed, every sequence draws a fresh random one: repeated calls give different samples. Greedy decoding ({@code doSample == false}) takes the most likely token after
 * the repetition penalty and suppression.
 *
 * <pre>{@code
 * GenerationConfig config = GenerationConfig.builder()
 *         .maxNewTokens(64).doSample(true).temperature(0.7).topP(0.9).seed(42)
 *         .stopStrings(List.of("\n\n"))
 *         .build();
 * }</pre>
 */
public final class GenerationConfig {
    private final int maxNewTokens;
    private final boolean doSample;
    private final double temperature;
    private final int topK;
    private final double topP;
    private final double minP;
    private final double repetitionPenalty;
    private final Long seed;
    private final Set<Integer> stopTokenIds;
    private final List<String> stopStrings;
    private final boolean suppressSoloTokens;
    private final Set<Integer> suppressTokenIds;
    private final boolean returnLogprobs;

    private GenerationConfig(Builder b) {
        maxNewTokens = b.maxNewTokens;
        doSample = b.doSample;
        temperature = b.temperature;
        topK = b.topK;
        topP = b.topP;
        minP = b.minP;
        repetitionPenalty = b.repetitionPenalty;
        seed = b.seed;
        stopTokenIds = Collections.unmodifiableSet(new LinkedHashSet<>(b.stopTokenIds));
        stopStrings = List.copyOf(b.stopStrings);
        suppressSoloTokens = b.suppressSoloTokens;
        suppressTokenIds = Collections.unmodifiableSet(new LinkedHashSet<>(b.suppressTokenIds));
        returnLogprobs = b.returnLogprobs;
    }

    /** @return greedy decoding of at most 256 new tokens, SOLO's appended tokens suppressed */
    public static GenerationConfig greedy() {
        return builder().build();
    }

    /** @return a builder with the defaults of {@link #greedy()} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a Hugging Face {@code generation_config.json}: {@code max_new_tokens},
     * {@code do_sample}, {@code temperature}, {@code top_k}, {@code top_p}, {@code min_p},
     * {@code repetition_penalty}, {@code eos_token_id} (as stop tokens), {@code suppress_tokens},
     * {@code stop_strings} and {@code seed}; other keys are ignored.
     *
     * @param file the JSON file
     * @return the config
     * @throws ai.solo.CheckpointException naming the file and field if it is malformed
     */
    public static GenerationConfig read(Path file) {
        return SoloProviders.get().readGenerationConfig(file);
    }

    /** @return a builder holding these options */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return most tokens to generate */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** @return whether to sample; false means greedy decoding */
    public boolean doSample() {
        return doSample;
    }

    /** @return softmax temperature when sampling */
    public double temperature() {
        return temperature;
    }

    /** @return keep only the k most likely tokens when sampling; 0 keeps all */
    public int topK() {
        return topK;
    }

    /** @return keep the smallest set of tokens whose probability reaches p when sampling; 1 keeps all */
    public double topP() {
        return topP;
    }

    /** @return drop tokens less likely than {@code minP} times the most likely one when sampling; 0 keeps all */
    public double minP() {
        return minP;
    }

    /** @return penalty on tokens already in the prompt or output (1 = none), as transformers applies it */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /** @return the sampler's seed, empty for a fresh random seed per sequence */
    public java.util.OptionalLong seed() {
        return seed == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(seed);
    }

    /** @return token ids that end generation, besides the model's end-of-sequence ids */
    public Set<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** @return strings that end generation when they appear in the output; they are not returned */
    public List<String> stopStrings() {
        return stopStrings;
    }

    /** @return whether SOLO's appended tokens (vision, location, chat markers) are never generated */
    public boolean suppressSoloTokens() {
        return suppressSoloTokens;
    }

    /** @return further token ids that are never generated */
    public Set<Integer> suppressTokenIds() {
        return suppressTokenIds;
    }

    /** @return whether results carry each generated token's log-probability */
    public boolean returnLogprobs() {
        return returnLogprobs;
    }

    @Override
    public String toString() {
        return "GenerationConfig{maxNewTokens=" + maxNewTokens + ", doSample=" + doSample
                + ", temperature=" + temperature + ", topK=" + topK + ", topP=" + topP + ", minP=" + minP
                + ", repetitionPenalty=" + repetitionPenalty + ", seed=" + seed + ", stopTokenIds=" + stopTokenIds
                + ", stopStrings=" + stopStrings + ", suppressSoloTokens=" + suppressSoloTokens
                + ", suppressTokenIds=" + suppressTokenIds + ", returnLogprobs=" + returnLogprobs + '}';
    }

    /** Builds a {@link GenerationConfig}; {@link #build()} validates every field. Not thread-safe. */
    public static final class Builder {
        private int maxNewTokens = 256;
        private boolean doSample;
        private double temperature = 1.0;
        private int topK = 50;
        private double topP = 1.0;
        private double minP;
        private double repetitionPenalty = 1.0;
        private Long seed;
        private final Set<Integer> stopTokenIds = new LinkedHashSet<>();
        private final List<String> stopStrings = new ArrayList<>();
        private boolean suppressSoloTokens = true;
        private final Set<Integer> suppressTokenIds = new LinkedHashSet<>();
        private boolean returnLogprobs;

        private Builder() {
        }

        private Builder(GenerationConfig c) {
            maxNewTokens = c.maxNewTokens;
            doSample = c.doSample;
            temperature = c.temperature;
            topK = c.topK;
            topP = c.topP;
            minP = c.minP;
            repetitionPenalty = c.repetitionPenalty;
            seed = c.seed;
            stopTokenIds.addAll(c.stopTokenIds);
            stopStrings.addAll(c.stopStrings);
            suppressSoloTokens = c.suppressSoloTokens;
            suppressTokenIds.addAll(c.suppressTokenIds);
            returnLogprobs = c.returnLogprobs;
        }

        /**
         * @param n most tokens to generate, at least 1
         * @return this builder
         */
        public Builder maxNewTokens(int n) {
            maxNewTokens = n;
            return this;
        }

        /**
         * @param sample true to sample, false for greedy decoding
         * @return this builder
         */
        public Builder doSample(boolean sample) {
            doSample = sample;
            return this;
        }

        /**
         * @param t softmax temperature, above 0
         * @return this builder
         */
        public Builder temperature(double t) {
            temperature = t;
            return this;
        }

        /**
         * @param k keep the k most likely tokens, 0 for all
         * @return this builder
         */
        public Builder topK(int k) {
            topK = k;
            return this;
        }

        /**
         * @param p nucleus probability in (0, 1]
         * @return this builder
         */
        public Builder topP(double p) {
            topP = p;
            return this;
        }

        /**
         * @param p minimum probability relative to the most likely token, in [0, 1)
         * @return this builder
         */
        public Builder minP(double p) {
            minP = p;
            return this;
        }

        /**
         * @param penalty above 0; values above 1 discourage repeating tokens
         * @return this builder
         */
        public Builder repetitionPenalty(double penalty) {
            repetitionPenalty = penalty;
            return this;
        }

        /**
         * @param s sampler seed
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * @return this builder without a seed: each sequence samples with a fresh random one
         */
        public Builder randomSeed() {
            seed = null;
            return this;
        }

        /**
         * @param ids token ids that end generation (replaces earlier ones)
         * @return this builder
         */
        public Builder stopTokenIds(Set<Integer> ids) {
            if (ids == null) {
                throw new InvalidInputException("stopTokenIds must not be null (use an empty collection)");
            }
            stopTokenIds.clear();
            stopTokenIds.addAll(ids);
            return this;
        }

        /**
         * @param strings strings that end generation (replaces earlier ones)
         * @return this builder
         */
        public Builder stopStrings(List<String> strings) {
            if (strings == null) {
                throw new InvalidInputException("stopStrings must not be null (use an empty collection)");
            }
            stopStrings.clear();
            stopStrings.addAll(strings);
            return this;
        }

        /**
         * @param suppress whether SOLO's appended tokens are never generated (default true, as SOLO's demo)
         * @return this builder
         */
        public Builder suppressSoloTokens(boolean suppress) {
            suppressSoloTokens = suppress;
            return this;
        }

        /**
         * @param ids further token ids never to generate (replaces earlier ones)
         * @return this builder
         */
        public Builder suppressTokenIds(Set<Integer> ids) {
            if (ids == null) {
                throw new InvalidInputException("suppressTokenIds must not be null (use an empty collection)");
            }
            suppressTokenIds.clear();
            suppressTokenIds.addAll(ids);
            return this;
        }

        /**
         * @param logprobs whether to return each generated token's log-probability
         * @return this builder
         */
        public Builder returnLogprobs(boolean logprobs) {
            returnLogprobs = logprobs;
            return this;
        }

        /**
         * @return the config
         * @throws InvalidInputException naming the first invalid field
         */
        public GenerationConfig build() {
            if (maxNewTokens < 1) {
                throw new InvalidInputException("maxNewTokens must be >= 1, got " + maxNewTokens);
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new InvalidInputException("temperature must be a finite number > 0, got " + temperature
                        + " (use doSample(false) for greedy decoding)");
            }
            if (topK < 0) {
                throw new InvalidInputException("topK must be >= 0 (0 keeps all tokens), got " + topK);
            }
            if (!(topP > 0 && topP <= 1)) {
                throw new InvalidInputException("topP must be in (0, 1], got " + topP);
            }
            if (!(minP >= 0 && minP < 1)) {
                throw new InvalidInputException("minP must be in [0, 1), got " + minP);
            }
            if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
                throw new InvalidInputException("repetitionPenalty must be a finite number > 0, got " + repetitionPenalty);
            }
            for (Integer id : stopTokenIds) {
                if (id == null || id < 0) {
                    throw new InvalidInputException("stopTokenIds must hold token ids >= 0, got " + id);
                }
            }
            for (Integer id : suppressTokenIds) {
                if (id == null || id < 0) {
                    throw new InvalidInputException("suppressTokenIds must hold token ids >= 0, got " + id);
                }
            }
            for (String s : stopStrings) {
                if (s == null || s.isEmpty()) {
                    throw new InvalidInputException("stopStrings must not hold null or empty strings");
                }
            }
            return new GenerationConfig(this);
        }
    }
}
