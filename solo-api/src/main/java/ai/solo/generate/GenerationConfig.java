package ai.solo.generate;

import ai.solo.InvalidInputException;

/**
 * Decoding options. Immutable; made with {@link #builder()}, whose {@link Builder#build()}
 * validates every field.
 *
 * @param maxNewTokens most tokens to generate, at least 1
 * @param temperature softmax temperature; 0 means greedy decoding
 * @param seed seed of the sampler: the same seed gives the same output
 */
public record GenerationConfig(int maxNewTokens, double temperature, long seed) {

    /**
     * Validates the fields.
     *
     * @param maxNewTokens most tokens to generate
     * @param temperature softmax temperature, 0 for greedy
     * @param seed sampler seed
     */
    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new InvalidInputException("maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("temperature must be a finite number >= 0, got " + temperature);
        }
    }

    /** @return greedy decoding of at most 256 tokens */
    public static GenerationConfig greedy() {
        return builder().build();
    }

    /** @return a builder starting from greedy decoding of at most 256 tokens */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether decoding always takes the most likely token */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** Builds a {@link GenerationConfig}. Not thread-safe. */
    public static final class Builder {
        private int maxNewTokens = 256;
        private double temperature;
        private long seed;

        private Builder() {
        }

        /**
         * @param n most tokens to generate
         * @return this builder
         */
        public Builder maxNewTokens(int n) {
            maxNewTokens = n;
            return this;
        }

        /**
         * @param t softmax temperature, 0 for greedy
         * @return this builder
         */
        public Builder temperature(double t) {
            temperature = t;
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
         * @return the config
         * @throws InvalidInputException naming an invalid field
         */
        public GenerationConfig build() {
            return new GenerationConfig(maxNewTokens, temperature, seed);
        }
    }
}
