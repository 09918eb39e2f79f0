package ai.solo.impl.config;

import ai.solo.CheckpointException;
import ai.solo.SoloConfig;
import ai.solo.SoloException;
import ai.solo.impl.io.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes {@link SoloConfig} as a Hugging Face {@code config.json}. Known keys map to
 * config fields; every other key is kept in {@link SoloConfig#extra()} and written back, so
 * round trips lose nothing.
 */
public final class ConfigCodec {
    /** A config.json is a few kilobytes; anything this large is not one. */
    private static final long MAX_BYTES = 16L << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);


    private ConfigCodec() {
    }

    /**
     * @param file a {@code config.json}
     * @return the validated config
     * @throws CheckpointException naming the file and field when it is missing, malformed or invalid
     */
    public static SoloConfig read(Path file) {
        Map<String, Object> json;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CheckpointException(file + ": " + Files.size(file) + " bytes is too large for a config.json");
            }
            json = MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": config.json not found", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": not a valid JSON object: " + e.getMessage(), e);
        }
        if (json == null) {
            throw new CheckpointException(file + ": not a JSON object");
        }
        try {
            return fromMap(json, file);
        } catch (CheckpointException e) {
            throw e;
        } catch (SoloException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param config the config
     * @param file destination, replaced atomically
     */
    public static void write(SoloConfig config, Path file) {
        Map<String, Object> json = toMap(config);
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, json));
    }

    /**
     * @param config the config
     * @return its JSON text
     */
    public static String toJson(SoloConfig config) {
        try {
            return MAPPER.writeValueAsString(toMap(config));
        } catch (IOException e) {
            throw new SoloException("cannot serialise config: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> toMap(SoloConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", c.architectures());
        m.put("model_type", c.modelType());
        m.put("vocab_size", c.vocabSize());
        m.put("hidden_size", c.hiddenSize());
        m.put("intermediate_size", c.intermediateSize());
        m.put("num_hidden_layers", c.numHiddenLayers());
        m.put("num_attention_heads", c.numAttentionHeads());
        m.put("num_key_value_heads", c.numKeyValueHeads());
        m.put("head_dim", c.headDim());
        m.put("hidden_act", c.hiddenAct());
        m.put("rms_norm_eps", c.rmsNormEps());
        m.put("rope_theta", c.ropeTheta());
        m.put("sliding_window", c.slidingWindow().isPresent() ? c.slidingWindow().getAsInt() : null);
        m.put("max_position_embeddings", c.maxPositionEmbeddings());
        m.put("vision_patch_size", c.visionPatchSize());
        m.put("tie_word_embeddings", c.tieWordEmbeddings());
        m.put("bos_token_id", c.bosTokenId());
        m.put("eos_token_id", c.eosTokenIds().size() == 1 ? c.eosTokenIds().get(0) : c.eosTokenIds());
        m.put("pad_token_id", c.padTokenId().isPresent() ? c.padTokenId().getAsInt() : null);
        m.put("initializer_range", c.initializerRange());
        m.put("torch_dtype", c.torchDtype());
        m.putAll(c.extra());
        return m;
    }

    private static SoloConfig fromMap(Map<String, Object> m, Path file) {
        Fields f = new Fields(m, file);
        int heads = f.requiredInt("num_attention_heads");
        SoloConfig.Builder b = SoloConfig.builder()
                .vocabSize(f.requiredInt("vocab_size"))
                .hiddenSize(f.requiredInt("hidden_size"))
                .intermediateSize(f.requiredInt("intermediate_size"))
                .numHiddenLayers(f.requiredInt("num_hidden_layers"))
                .numAttentionHeads(heads)
                // defaults for absent keys are those of the reference SoloConfig/MistralConfig, so a
                // file reads here as it does in transformers: 8 kv heads unless null (then MHA),
                // eps 1e-6 (the SoloConfig default; Mistral checkpoints write 1e-5 explicitly)
                .numKeyValueHeads(m.containsKey("num_key_value_heads") && m.get("num_key_value_heads") == null
                        ? heads : f.optionalInt("num_key_value_heads", 8))
                .headDim(f.nullableInt("head_dim", null))
                .rmsNormEps(f.optionalDouble("rms_norm_eps", 1e-6))
                .ropeTheta(f.optionalDouble("rope_theta", 10000.0))
                .slidingWindow(f.nullableInt("sliding_window", 4096))
                .maxPositionEmbeddings(f.optionalInt("max_position_embeddings", 4096 * 32))
                .visionPatchSize(f.optionalInt("vision_patch_size", 32))
                .tieWordEmbeddings(f.optionalBoolean("tie_word_embeddings", false))
                .bosTokenId(f.optionalInt("bos_token_id", 1))
                .eosTokenIds(f.intList("eos_token_id", List.of(2)))
                .padTokenId(f.nullableInt("pad_token_id", null))
                .hiddenAct(f.optionalString("hidden_act", "silu"))
                .initializerRange(f.optionalDouble("initializer_range", 0.02))
                .torchDtype(f.optionalString("torch_dtype", "float32"))
                .architectures(f.stringList("architectures", List.of("SoloForCausalLM")))
                .modelType(f.optionalString("model_type", "mistral"));
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!SoloConfig.KNOWN_KEYS.contains(e.getKey())) {
                b.extra(e.getKey(), e.getValue());
            }
        }
        return b.build();
    }

    /** Typed access to JSON fields with errors naming file and field. */
    private static final class Fields {
        private final Map<String, Object> map;
        private final Path file;

        Fields(Map<String, Object> map, Path file) {
            this.map = map;
            this.file = file;
        }

        int requiredInt(String key) {
            if (!map.containsKey(key) || map.get(key) == null) {
                throw new CheckpointException(file + ": required field " + key + " is missing");
            }
            return toInt(key, map.get(key));
        }

        int optionalInt(String key, int fallback) {
            Object v = map.get(key);
            return v == null ? fallback : toInt(key, v);
        }

        Integer nullableInt(String key, Integer fallback) {
            if (!map.containsKey(key)) {
                return fallback;
            }
            Object v = map.get(key);
            return v == null ? null : toInt(key, v);
        }

        List<Integer> intList(String key, List<Integer> fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof List<?> list)) {
                return List.of(toInt(key, v));
            }
            if (list.isEmpty()) {
                throw new CheckpointException(file + ": field " + key + " is an empty list");
            }
            List<Integer> out = new ArrayList<>();
            for (Object item : list) {
                out.add(toInt(key, item));
            }
            return out;
        }

        double optionalDouble(String key, double fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Number n)) {
                throw new CheckpointException(file + ": field " + key + " must be a number, got " + describe(v));
            }
            return n.doubleValue();
        }

        boolean optionalBoolean(String key, boolean fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Boolean bool)) {
                throw new CheckpointException(file + ": field " + key + " must be true or false, got " + describe(v));
            }
            return bool;
        }

        String optionalString(String key, String fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof String s)) {
                throw new CheckpointException(file + ": field " + key + " must be a string, got " + describe(v));
            }
            return s;
        }

        List<String> stringList(String key, List<String> fallback) {
            Object v = map.get(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof List<?> list)) {
                throw new CheckpointException(file + ": field " + key + " must be a list of strings, got " + describe(v));
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw new CheckpointException(file + ": field " + key + " must hold strings, got " + describe(item));
                }
                out.add(s);
            }
            return out;
        }

        private int toInt(String key, Object v) {
            if (!(v instanceof Number n)) {
                throw new CheckpointException(file + ": field " + key + " must be an integer, got " + describe(v));
            }
            double d = n.doubleValue();
            if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                throw new CheckpointException(file + ": field " + key + " must be a 32-bit integer, got " + v);
            }
            return n.intValue();
        }

        private static String describe(Object v) {
            return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
        }
    }
}
