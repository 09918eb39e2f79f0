package ai.solo.impl.config;

import ai.solo.CheckpointException;
import ai.solo.SoloException;
import ai.solo.generate.GenerationConfig;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads Hugging Face {@code generation_config.json} into a {@link GenerationConfig}. */
public final class GenerationConfigCodec {
    private static final long MAX_BYTES = 16L << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private GenerationConfigCodec() {
    }

    /**
     * @param file the JSON file
     * @return the options it sets, defaults elsewhere
     * @throws CheckpointException naming file and field when it is malformed
     */
    public static GenerationConfig read(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CheckpointException(file + ": too large for a generation_config.json");
            }
            root = MAPPER.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": generation config not found", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": not a valid JSON object: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + ": not a JSON object");
        }
        GenerationConfig.Builder b = GenerationConfig.builder();
        try {
            if (has(root, "max_new_tokens")) {
                b.maxNewTokens(integer(root, "max_new_tokens", file));
            }
            if (has(root, "do_sample")) {
                b.doSample(bool(root, "do_sample", file));
            }
            boolean sampling = has(root, "do_sample") && bool(root, "do_sample", file);
            // transformers only warns about temperature 0 in a greedy config; it means nothing there
            if (has(root, "temperature") && (sampling || number(root, "temperature", file) > 0)) {
                b.temperature(number(root, "temperature", file));
            }
            if (has(root, "top_k")) {
                b.topK(integer(root, "top_k", file));
            }
            if (has(root, "top_p")) {
                b.topP(number(root, "top_p", file));
            }
            if (has(root, "min_p")) {
                b.minP(number(root, "min_p", file));
            }
            if (has(root, "repetition_penalty")) {
                b.repetitionPenalty(number(root, "repetition_penalty", file));
            }
            if (has(root, "seed")) {
                JsonNode seed = root.get("seed");
                if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                    throw new CheckpointException(file + ": field seed must be an integer, got " + seed);
                }
                b.seed(seed.longValue());
            }
            if (has(root, "eos_token_id")) {
                b.stopTokenIds(ids(root, "eos_token_id", file));
            }
            if (has(root, "suppress_tokens")) {
                b.suppressTokenIds(ids(root, "suppress_tokens", file));
            }
            if (has(root, "stop_strings")) {
                b.stopStrings(strings(root, "stop_strings", file));
            }
            return b.build();
        } catch (CheckpointException e) {
            throw e;
        } catch (SoloException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean has(JsonNode root, String key) {
        return root.has(key) && !root.get(key).isNull();
    }

    private static int integer(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new CheckpointException(file + ": field " + key + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static double number(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (!n.isNumber()) {
            throw new CheckpointException(file + ": field " + key + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static boolean bool(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (!n.isBoolean()) {
            throw new CheckpointException(file + ": field " + key + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static Set<Integer> ids(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        Set<Integer> out = new LinkedHashSet<>();
        if (n.isArray()) {
            for (JsonNode item : n) {
                if (!item.canConvertToInt() || !item.isIntegralNumber()) {
                    throw new CheckpointException(file + ": field " + key + " must hold token ids, got " + item);
                }
                out.add(item.intValue());
            }
        } else {
            out.add(integer(root, key, file));
        }
        return out;
    }

    private static List<String> strings(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.textValue());
            return out;
        }
        if (!n.isArray()) {
            throw new CheckpointException(file + ": field " + key + " must be a string or a list of strings, got " + n);
        }
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw new CheckpointException(file + ": field " + key + " must hold strings, got " + item);
            }
            out.add(item.textValue());
        }
        return out;
    }
}
