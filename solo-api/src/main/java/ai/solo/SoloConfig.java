package ai.solo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Shape and numerics of a SOLO model: the Hugging Face {@code config.json} of a checkpoint
 * (MistralConfig fields plus {@code vision_patch_size}), as an immutable value.
 *
 * <p>Fields the SDK does not interpret (for example {@code transformers_version}) are kept in
 * {@link #extra()} and written back unchanged, so a load/save round trip loses nothing.
 * Instances are made with {@link #builder()}; {@link Builder#build()} checks every field and
 * names the one at fault. Reading and writing JSON is {@link #read(java.nio.file.Path)} and
 * {@link #write(java.nio.file.Path)}.
 *
 * <pre>{@code
 * SoloConfig tiny = SoloConfig.builder()
 *         .vocabSize(33031).hiddenSize(64).intermediateSize(176)
 *         .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2)
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe (immutable).
 */
public final class SoloConfig {
    /**
     * The {@code config.json} keys that map to fields of this class; every other key lives in
     * {@link #extra()}.
     */
    public static final java.util.Set<String> KNOWN_KEYS = java.util.Set.of("vocab_size", "hidden_size",
            "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
            "rms_norm_eps", "rope_theta", "sliding_window", "max_position_embeddings", "vision_patch_size",
            "tie_word_embeddings", "bos_token_id", "eos_token_id", "pad_token_id", "hidden_act",
            "initializer_range", "torch_dtype", "architectures", "model_type");

    /** Upper bounds that stop an absurd config before any memory is reserved for it. */
    static final int MAX_LAYERS = 4096;
    static final int MAX_HIDDEN = 1 << 17;
    static final int MAX_VOCAB = 1 << 24;
    static final int MAX_INTERMEDIATE = 1 << 20;
    static final int MAX_PATCH = 1024;

    private final int vocabSize;
    private final int hiddenSize;
    private final int intermediateSize;
    private final int numHiddenLayers;
    private final int numAttentionHeads;
    private final int numKeyValueHeads;
    private final int headDim;
    private final double rmsNormEps;
    private final double ropeTheta;
    private final Integer slidingWindow;
    private final int maxPositionEmbeddings;
    private final int visionPatchSize;
    private final boolean tieWordEmbeddings;
    private final int bosTokenId;
    private final List<Integer> eosTokenIds;
    private final Integer padTokenId;
    private final String hiddenAct;
    private final double initializerRange;
    private final String torchDtype;
    private final List<String> architectures;
    private final String modelType;
    private final Map<String, Object> extra;

    private SoloConfig(Builder b) {
        this.vocabSize = b.vocabSize;
        this.hiddenSize = b.hiddenSize;
        this.intermediateSize = b.intermediateSize;
        this.numHiddenLayers = b.numHiddenLayers;
        this.numAttentionHeads = b.numAttentionHeads;
        this.numKeyValueHeads = b.numKeyValueHeads;
        this.headDim = b.headDim != null ? b.headDim : b.hiddenSize / b.numAttentionHeads;
        this.rmsNormEps = b.rmsNormEps;
        this.ropeTheta = b.ropeTheta;
        this.slidingWindow = b.slidingWindow;
        this.maxPositionEmbeddings = b.maxPositionEmbeddings;
        this.visionPatchSize = b.visionPatchSize;
        this.tieWordEmbeddings = b.tieWordEmbeddings;
        this.bosTokenId = b.bosTokenId;
        this.eosTokenIds = List.copyOf(b.eosTokenIds);
        this.padTokenId = b.padTokenId;
        this.hiddenAct = b.hiddenAct;
        this.initializerRange = b.initializerRange;
        this.torchDtype = b.torchDtype;
        this.architectures = List.copyOf(b.architectures);
        this.modelType = b.modelType;
        this.extra = deepCopy(b.extra);
    }

    /** @return a builder with SOLO-7B's numerics (eps 1e-5, theta 1e4, patch 32) and no sizes set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding every field of this config, to derive a changed copy */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * SOLO-7B: Mistral-7B-v0.1 shaped, 33,031 tokens (Mistral's 32,000 plus SOLO's appended
     * vision, location and chat tokens), patch size 32.
     *
     * @return the configuration of the released SOLO-7B checkpoint
     */
    public static SoloConfig solo7B() {
        return builder()
                .vocabSize(33031)
                .hiddenSize(4096)
                .intermediateSize(14336)
                .numHiddenLayers(32)
                .numAttentionHeads(32)
                .numKeyValueHeads(8)
                .slidingWindow(4096)
                .maxPositionEmbeddings(32768)
                .torchDtype("bfloat16")
                .build();
    }

    /**
     * Reads a Hugging Face {@code config.json}.
     *
     * @param file the JSON file
     * @return the parsed, validated config
     * @throws CheckpointException if the file is missing, not JSON, or a field is invalid
     */
    public static SoloConfig read(java.nio.file.Path file) {
        return ai.solo.spi.SoloProviders.get().readConfig(file);
    }

    /**
     * Writes this config as a Hugging Face {@code config.json}, atomically (temporary file, then
     * rename), keeping {@link #extra()} fields.
     *
     * @param file the destination
     * @throws SoloException if the file cannot be written
     */
    public void write(java.nio.file.Path file) {
        ai.solo.spi.SoloProviders.get().writeConfig(this, file);
    }

    /** @return {@code vocab_size}: rows of the token embedding and of {@code lm_head} */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return {@code hidden_size}: width of the residual stream */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** @return {@code intermediate_size}: width of the SwiGLU MLP */
    public int intermediateSize() {
        return intermediateSize;
    }

    /** @return {@code num_hidden_layers}: number of decoder blocks */
    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    /** @return {@code num_attention_heads}: query heads */
    public int numAttentionHeads() {
        return numAttentionHeads;
    }

    /** @return {@code num_key_value_heads}: key/value heads shared by groups of query heads */
    public int numKeyValueHeads() {
        return numKeyValueHeads;
    }

    /** @return {@code head_dim}: width of one head, {@code hidden_size / num_attention_heads} unless given */
    public int headDim() {
        return headDim;
    }

    /** @return {@code rms_norm_eps} */
    public double rmsNormEps() {
        return rmsNormEps;
    }

    /** @return {@code rope_theta}: base of the rotary position frequencies */
    public double ropeTheta() {
        return ropeTheta;
    }

    /** @return {@code sliding_window}: how far back a query may attend, empty for unlimited */
    public OptionalInt slidingWindow() {
        return slidingWindow == null ? OptionalInt.empty() : OptionalInt.of(slidingWindow);
    }

    /** @return {@code max_position_embeddings}: the longest sequence the model is meant for */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** @return {@code vision_patch_size}: side P of the square image patches */
    public int visionPatchSize() {
        return visionPatchSize;
    }

    /** @return values in one flattened patch, {@code 3 * P * P} */
    public int patchDim() {
        return 3 * visionPatchSize * visionPatchSize;
    }

    /** @return {@code tie_word_embeddings}: whether lm_head shares the token embedding (false for SOLO) */
    public boolean tieWordEmbeddings() {
        return tieWordEmbeddings;
    }

    /** @return {@code bos_token_id} */
    public int bosTokenId() {
        return bosTokenId;
    }

    /** @return the first {@code eos_token_id}: the token that ends a sequence */
    public int eosTokenId() {
        return eosTokenIds.get(0);
    }

    /** @return every {@code eos_token_id} (the field may be a list), the first being {@link #eosTokenId()} */
    public List<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    /** @return {@code pad_token_id}, empty when the checkpoint names none */
    public OptionalInt padTokenId() {
        return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
    }

    /** @return {@code hidden_act}; only {@code "silu"} is supported */
    public String hiddenAct() {
        return hiddenAct;
    }

    /** @return {@code initializer_range}: standard deviation of fresh random weights */
    public double initializerRange() {
        return initializerRange;
    }

    /** @return {@code torch_dtype}: the dtype the weights were saved in */
    public String torchDtype() {
        return torchDtype;
    }

    /** @return {@code architectures}, {@code ["SoloForCausalLM"]} by default */
    public List<String> architectures() {
        return architectures;
    }

    /** @return {@code model_type}, {@code "mistral"} by default */
    public String modelType() {
        return modelType;
    }

    /** @return fields of {@code config.json} the SDK does not interpret, in file order (JSON values) */
    public Map<String, Object> extra() {
        return extra;
    }

    /**
     * Number of parameters a model of this config holds, in {@code long} arithmetic.
     *
     * @return the parameter count (embeddings, layers, norms, lm_head and patch embedding)
     */
    public long parameterCount() {
        long h = hiddenSize;
        long qOut = (long) numAttentionHeads * headDim;
        long kvOut = (long) numKeyValueHeads * headDim;
        long attention = h * qOut + 2 * h * kvOut + qOut * h;
        long mlp = 3 * h * intermediateSize;
        long perLayer = attention + mlp + 2 * h;
        long embeddings = (long) vocabSize * h * (tieWordEmbeddings ? 1 : 2);
        return embeddings + (long) patchDim() * h + perLayer * numHiddenLayers + h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SoloConfig)) {
            return false;
        }
        SoloConfig c = (SoloConfig) o;
        return vocabSize == c.vocabSize
                && hiddenSize == c.hiddenSize
                && intermediateSize == c.intermediateSize
                && numHiddenLayers == c.numHiddenLayers
                && numAttentionHeads == c.numAttentionHeads
                && numKeyValueHeads == c.numKeyValueHeads
                && headDim == c.headDim
                && Double.compare(rmsNormEps, c.rmsNormEps) == 0
                && Double.compare(ropeTheta, c.ropeTheta) == 0
                && Objects.equals(slidingWindow, c.slidingWindow)
                && maxPositionEmbeddings == c.maxPositionEmbeddings
                && visionPatchSize == c.visionPatchSize
                && tieWordEmbeddings == c.tieWordEmbeddings
                && bosTokenId == c.bosTokenId
                && eosTokenIds.equals(c.eosTokenIds)
                && Objects.equals(padTokenId, c.padTokenId)
                && hiddenAct.equals(c.hiddenAct)
                && Double.compare(initializerRange, c.initializerRange) == 0
                && torchDtype.equals(c.torchDtype)
                && architectures.equals(c.architectures)
                && modelType.equals(c.modelType)
                && extra.equals(c.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                numAttentionHeads, numKeyValueHeads, headDim, slidingWindow, visionPatchSize);
    }

    @Override
    public String toString() {
        return "SoloConfig{vocab_size=" + vocabSize
                + ", hidden_size=" + hiddenSize
                + ", intermediate_size=" + intermediateSize
                + ", num_hidden_layers=" + numHiddenLayers
                + ", num_attention_heads=" + numAttentionHeads
                + ", num_key_value_heads=" + numKeyValueHeads
                + ", head_dim=" + headDim
                + ", rms_norm_eps=" + rmsNormEps
                + ", rope_theta=" + ropeTheta
                + ", sliding_window=" + slidingWindow
                + ", max_position_embeddings=" + maxPositionEmbeddings
                + ", vision_patch_size=" + visionPatchSize
                + ", torch_dtype=" + torchDtype
                + '}';
    }

    /** Immutable deep copy of JSON values, so {@link #extra()} cannot change behind the config's back. */
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, deepCopyValue(v)));
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepCopy((Map<String, Object>) m);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new java.util.ArrayList<>(list.size());
            list.forEach(item -> out.add(deepCopyValue(item)));
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    /**
     * Builds a {@link SoloConfig}. Setters take Hugging Face field meanings; {@link #build()}
     * validates all of them. Not thread-safe.
     */
    public static final class Builder {
        private int vocabSize;
        private int hiddenSize;
        private int intermediateSize;
        private int numHiddenLayers;
        private int numAttentionHeads;
        private int numKeyValueHeads;
        private Integer headDim;
        private double rmsNormEps = 1e-5;
        private double ropeTheta = 10000.0;
        private Integer slidingWindow = 4096;
        private int maxPositionEmbeddings = 32768;
        private int visionPatchSize = 32;
        private boolean tieWordEmbeddings;
        private int bosTokenId = 1;
        private List<Integer> eosTokenIds = List.of(2);
        private Integer padTokenId;
        private String hiddenAct = "silu";
        private double initializerRange = 0.02;
        private String torchDtype = "float32";
        private List<String> architectures = List.of("SoloForCausalLM");
        private String modelType = "mistral";
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(SoloConfig c) {
            vocabSize = c.vocabSize;
            hiddenSize = c.hiddenSize;
            intermediateSize = c.intermediateSize;
            numHiddenLayers = c.numHiddenLayers;
            numAttentionHeads = c.numAttentionHeads;
            numKeyValueHeads = c.numKeyValueHeads;
            headDim = c.headDim;
            rmsNormEps = c.rmsNormEps;
            ropeTheta = c.ropeTheta;
            slidingWindow = c.slidingWindow;
            maxPositionEmbeddings = c.maxPositionEmbeddings;
            visionPatchSize = c.visionPatchSize;
            tieWordEmbeddings = c.tieWordEmbeddings;
            bosTokenId = c.bosTokenId;
            eosTokenIds = c.eosTokenIds;
            padTokenId = c.padTokenId;
            hiddenAct = c.hiddenAct;
            initializerRange = c.initializerRange;
            torchDtype = c.torchDtype;
            architectures = c.architectures;
            modelType = c.modelType;
            extra.putAll(c.extra);
        }

        /**
         * @param v {@code vocab_size}
         * @return this builder
         */
        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        /**
         * @param v {@code hidden_size}
         * @return this builder
         */
        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        /**
         * @param v {@code intermediate_size}
         * @return this builder
         */
        public Builder intermediateSize(int v) {
            intermediateSize = v;
            return this;
        }

        /**
         * @param v {@code num_hidden_layers}
         * @return this builder
         */
        public Builder numHiddenLayers(int v) {
            numHiddenLayers = v;
            return this;
        }

        /**
         * @param v {@code num_attention_heads}
         * @return this builder
         */
        public Builder numAttentionHeads(int v) {
            numAttentionHeads = v;
            return this;
        }

        /**
         * @param v {@code num_key_value_heads}
         * @return this builder
         */
        public Builder numKeyValueHeads(int v) {
            numKeyValueHeads = v;
            return this;
        }

        /**
         * @param v {@code head_dim}, or null to derive {@code hidden_size / num_attention_heads}
         * @return this builder
         */
        public Builder headDim(Integer v) {
            headDim = v;
            return this;
        }

        /**
         * @param v {@code rms_norm_eps}
         * @return this builder
         */
        public Builder rmsNormEps(double v) {
            rmsNormEps = v;
            return this;
        }

        /**
         * @param v {@code rope_theta}
         * @return this builder
         */
        public Builder ropeTheta(double v) {
            ropeTheta = v;
            return this;
        }

        /**
         * @param v {@code sliding_window}, or null for unlimited attention
         * @return this builder
         */
        public Builder slidingWindow(Integer v) {
            slidingWindow = v;
            return this;
        }

        /**
         * @param v {@code max_position_embeddings}
         * @return this builder
         */
        public Builder maxPositionEmbeddings(int v) {
            maxPositionEmbeddings = v;
            return this;
        }

        /**
         * @param v {@code vision_patch_size}
         * @return this builder
         */
        public Builder visionPatchSize(int v) {
            visionPatchSize = v;
            return this;
        }

        /**
         * @param v {@code tie_word_embeddings}
         * @return this builder
         */
        public Builder tieWordEmbeddings(boolean v) {
            tieWordEmbeddings = v;
            return this;
        }

        /**
         * @param v {@code bos_token_id}
         * @return this builder
         */
        public Builder bosTokenId(int v) {
            bosTokenId = v;
            return this;
        }

        /**
         * @param v {@code eos_token_id}
         * @return this builder
         */
        public Builder eosTokenId(int v) {
            eosTokenIds = List.of(v);
            return this;
        }

        /**
         * @param v every {@code eos_token_id}, the first being the primary one
         * @return this builder
         */
        public Builder eosTokenIds(List<Integer> v) {
            eosTokenIds = v;
            return this;
        }

        /**
         * @param v {@code pad_token_id}, or null
         * @return this builder
         */
        public Builder padTokenId(Integer v) {
            padTokenId = v;
            return this;
        }

        /**
         * @param v {@code hidden_act}
         * @return this builder
         */
        public Builder hiddenAct(String v) {
            hiddenAct = v;
            return this;
        }

        /**
         * @param v {@code initializer_range}
         * @return this builder
         */
        public Builder initializerRange(double v) {
            initializerRange = v;
            return this;
        }

        /**
         * @param v {@code torch_dtype} ("float32", "float16", "bfloat16")
         * @return this builder
         */
        public Builder torchDtype(String v) {
            torchDtype = v;
            return this;
        }

        /**
         * @param v {@code architectures}
         * @return this builder
         */
        public Builder architectures(List<String> v) {
            architectures = v;
            return this;
        }

        /**
         * @param v {@code model_type}
         * @return this builder
         */
        public Builder modelType(String v) {
            modelType = v;
            return this;
        }

        /**
         * Keeps a field the SDK does not interpret, written back on save.
         *
         * @param key the JSON key
         * @param value a JSON value: null, Boolean, Number, String, List or Map of those
         * @return this builder
         */
        public Builder extra(String key, Object value) {
            if (key == null || KNOWN_KEYS.contains(key)) {
                throw new InvalidInputException("extra(\"" + key + "\") would shadow a config field: use its setter");
            }
            extra.put(key, value);
            return this;
        }

        /**
         * Validates every field and builds the config.
         *
         * @return the config
         * @throws InvalidInputException naming the first invalid field
         */
        public SoloConfig build() {
            range("vocab_size", vocabSize, 1, MAX_VOCAB);
            range("hidden_size", hiddenSize, 1, MAX_HIDDEN);
            range("intermediate_size", intermediateSize, 1, MAX_INTERMEDIATE);
            range("num_hidden_layers", numHiddenLayers, 1, MAX_LAYERS);
            range("num_attention_heads", numAttentionHeads, 1, hiddenSize);
            range("num_key_value_heads", numKeyValueHeads, 1, numAttentionHeads);
            if (numAttentionHeads % numKeyValueHeads != 0) {
                throw new InvalidInputException("num_key_value_heads (" + numKeyValueHeads
                        + ") must divide num_attention_heads (" + numAttentionHeads + ")");
            }
            if (headDim == null && hiddenSize % numAttentionHeads != 0) {
                throw new InvalidInputException("num_attention_heads (" + numAttentionHeads
                        + ") must divide hidden_size (" + hiddenSize + ") when head_dim is not given");
            }
            int hd = headDim != null ? headDim : hiddenSize / numAttentionHeads;
            range("head_dim", hd, 2, MAX_HIDDEN);
            if (hd % 2 != 0) {
                throw new InvalidInputException("head_dim must be even for rotary embeddings, got " + hd);
            }
            if (!(rmsNormEps > 0) || Double.isInfinite(rmsNormEps)) {
                throw new InvalidInputException("rms_norm_eps must be a positive number, got " + rmsNormEps);
            }
            if (!(ropeTheta > 1) || Double.isInfinite(ropeTheta)) {
                throw new InvalidInputException("rope_theta must be a finite number above 1, got " + ropeTheta);
            }
            if (slidingWindow != null) {
                range("sliding_window", slidingWindow, 1, Integer.MAX_VALUE);
            }
            range("max_position_embeddings", maxPositionEmbeddings, 1, Integer.MAX_VALUE);
            range("vision_patch_size", visionPatchSize, 1, MAX_PATCH);
            range("bos_token_id", bosTokenId, 0, vocabSize - 1);
            if (eosTokenIds == null || eosTokenIds.isEmpty()) {
                throw new InvalidInputException("eos_token_id must name at least one token");
            }
            for (Integer id : eosTokenIds) {
                if (id == null) {
                    throw new InvalidInputException("eos_token_id must not contain null");
                }
                range("eos_token_id", id, 0, vocabSize - 1);
            }
            if (padTokenId != null) {
                range("pad_token_id", padTokenId, 0, vocabSize - 1);
            }
            if (!"silu".equals(hiddenAct)) {
                throw new InvalidInputException("hidden_act must be \"silu\" (SwiGLU), got " + hiddenAct);
            }
            if (!(initializerRange > 0) || Double.isInfinite(initializerRange)) {
                throw new InvalidInputException("initializer_range must be positive, got " + initializerRange);
            }
            if (torchDtype == null || torchDtype.isEmpty()) {
                throw new InvalidInputException("torch_dtype must be set");
            }
            if (architectures == null || architectures.isEmpty()) {
                throw new InvalidInputException("architectures must name at least one class");
            }
            if (modelType == null || modelType.isEmpty()) {
                throw new InvalidInputException("model_type must be set");
            }
            return new SoloConfig(this);
        }

        private static void range(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw new InvalidInputException(field + " must be in [" + min + ", " + max + "], got " + value);
            }
        }
    }
}
