package ai.solo.impl.text;

import ai.solo.CheckpointException;
import ai.solo.text.VisionTokens;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed Hugging Face {@code tokenizer.json} with SOLO's appended tokens resolved against it.
 *
 * <p>It produces the two variants {@link HfSoloTokenizer} needs: the file for <em>encoding</em>,
 * from which the appended tokens are removed so that no text can ever become one of them, and
 * the file as <em>saved</em>, in which every appended token is a special added token with its
 * id, so that Hugging Face transformers (and the decoding side here) see the same vocabulary.
 */
final class TokenizerJson {
    private static final Logger logger = LoggerFactory.getLogger(TokenizerJson.class);

    /** Number of {@code <loc_N>} tokens, {@code <loc_1>} .. {@code <loc_1024>}. */
    static final int LOC_COUNT = 1024;

    /** SOLO's appended tokens in the order SOLO-7B appends them to Mistral's vocabulary (SPEC §3). */
    static final List<String> APPENDED = appendedTokens();

    private static final Set<String> APPENDED_SET = Set.copyOf(APPENDED);

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final String source;
    private final ObjectNode root;
    /** Tokens of model.vocab and added_tokens that are not SOLO tokens, with their ids. */
    private final Map<String, Integer> baseIds;
    /** SOLO's tokens in {@link #APPENDED} order with their resolved ids. */
    private final Map<String, Integer> appendedIds;
    /** SOLO tokens found in model.vocab itself (not only as added tokens). */
    private final Set<String> appendedInModelVocab;
    private final int baseVocabSize;
    private final int vocabSize;
    private final int foundCount;

    /**
     * Reads the vocabulary and resolves the ids of SOLO's tokens: ids already in the file are
     * kept, missing tokens get the ids after the largest id in use, in {@link #APPENDED} order.
     *
     * @param root the parsed tokenizer.json; not modified
     * @param source file name for error messages
     */
    TokenizerJson(ObjectNode root, String source) {
        this.source = source;
        this.root = root;
        JsonNode model = root.get("model");
        if (model == null || !model.isObject()) {
            throw new CheckpointException(source + " has no \"model\" object: not a Hugging Face tokenizer.json");
        }
        Map<String, Integer> modelVocab = readModelVocab(model);
        List<ObjectNode> addedTokens = readAddedTokens();
        JsonNode vocabNode = model.get("vocab");

        baseIds = new HashMap<>(modelVocab.size() * 2);
        BitSet baseIdSet = new BitSet();
        Map<String, Integer> found = new HashMap<>();
        appendedInModelVocab = new HashSet<>();
        // A Unigram vocabulary is positional: its size counts even a repeated piece.
        int maxId = vocabNode.isArray() ? vocabNode.size() - 1 : -1;
        for (Map.Entry<String, Integer> entry : modelVocab.entrySet()) {
            int id = entry.getValue();
            maxId = Math.max(maxId, id);
            if (APPENDED_SET.contains(entry.getKey())) {
                found.put(entry.getKey(), id);
                appendedInModelVocab.add(entry.getKey());
            } else {
                baseIds.put(entry.getKey(), id);
                baseIdSet.set(id);
            }
        }
        Set<String> addedSeen = new HashSet<>();
        for (ObjectNode token : addedTokens) {
            String content = token.get("content").asText();
            int id = token.get("id").intValue();
            maxId = Math.max(maxId, id);
            if (APPENDED_SET.contains(content)) {
                // An added token wins over a model.vocab entry, as in Hugging Face's AddedVocabulary;
                // of repeated entries the first counts, and savedJson() keeps only that one.
                if (addedSeen.add(content)) {
                    found.put(content, id);
                }
            } else {
                baseIds.put(content, id);
                baseIdSet.set(id);
            }
        }
        baseVocabSize = maxId + 1;
        foundCount = found.size();

        appendedIds = new LinkedHashMap<>();
        Map<Integer, String> byId = new HashMap<>();
        int next = maxId + 1;
        for (String token : APPENDED) {
            Integer present = found.get(token);
            int id = present != null ? present : next++;
            if (baseIdSet.get(id)) {
                throw new CheckpointException(source + ": SOLO token " + token + " has id " + id
                        + ", which the file also gives to another token");
            }
            String clash = byId.put(id, token);
            if (clash != null) {
                throw new CheckpointException(source + ": SOLO tokens " + clash + " and " + token + " share id " + id);
            }
            appendedIds.put(token, id);
        }
        vocabSize = Math.max(maxId, next - 1) + 1;
        if (!appendedInModelVocab.isEmpty() && vocabNode.isArray()) {
            // Unigram vocabularies are positional: removing a piece would shift every later id.
            logger.warn("{}: SOLO tokens {} are pieces of a Unigram model.vocab and cannot be hidden from "
                    + "text encoding; text that spells them may encode to their ids", source, appendedInModelVocab);
        }
    }

    /**
     * @param bytes file content
     * @param source file name for error messages
     * @return the JSON object the file holds
     * @throws CheckpointException if it is not JSON or not an object
     */
    static ObjectNode parseObject(byte[] bytes, String source) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(source + " could not be parsed: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointException(source + " does not hold a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * @param config a parsed tokenizer_config.json, or null
     * @param key {@code "bos_token"} or {@code "eos_token"}
     * @param fallback the string to use when the config does not name one
     * @return the token string; older configs store it as {@code {"content": ...}}
     */
    static String specialTokenString(ObjectNode config, String key, String fallback) {
        JsonNode node = config == null ? null : config.get(key);
        if (node != null && node.isTextual()) {
            return node.asText();
        }
        if (node != null && node.isObject() && node.path("content").isTextual()) {
            return node.get("content").asText();
        }
        return fallback;
    }

    /** @return file name for error messages */
    String source() {
        return source;
    }

    /** @return non-SOLO tokens of model.vocab and added_tokens with their ids, read-only */
    Map<String, Integer> baseIds() {
        return Collections.unmodifiableMap(baseIds);
    }

    /** @return SOLO's tokens in appended order with their ids */
    Map<String, Integer> appendedIds() {
        return Collections.unmodifiableMap(appendedIds);
    }

    /** @return one more than the largest id in the file as read */
    int baseVocabSize() {
        return baseVocabSize;
    }

    /** @return one more than the largest id, SOLO tokens included */
    int vocabSize() {
        return vocabSize;
    }

    /** @return how many SOLO tokens the file already had */
    int foundCount() {
        return foundCount;
    }

    /** @return the ids of the five vision tokens */
    VisionTokens visionTokens() {
        return new VisionTokens(appendedIds.get(VisionTokens.VISION), appendedIds.get(VisionTokens.VPATCH),
                appendedIds.get(VisionTokens.VROW_SEP), appendedIds.get(VisionTokens.VFRAME_SEP),
                appendedIds.get(VisionTokens.VISION_END));
    }

    /**
     * The file for text encoding: SOLO tokens removed from {@code added_tokens} and, where the
     * model's vocabulary is a map, from {@code model.vocab} (with the BPE merges that build them),
     * so the Hugging Face tokenizer cannot match them in text.
     *
     * @return UTF-8 JSON
     */
    byte[] encodingJson() {
        ObjectNode copy = root.deepCopy();
        JsonNode added = copy.get("added_tokens");
        if (added != null && added.isArray()) {
            ArrayNode kept = MAPPER.createArrayNode();
            for (JsonNode token : added) {
                if (!APPENDED_SET.contains(token.get("content").asText())) {
                    kept.add(token);
                }
            }
            copy.set("added_tokens", kept);
        }
        ObjectNode model = (ObjectNode) copy.get("model");
        if (!appendedInModelVocab.isEmpty() && model.get("vocab").isObject()) {
            ((ObjectNode) model.get("vocab")).remove(appendedInModelVocab);
            JsonNode merges = model.get("merges");
            if (merges != null && merges.isArray()) {
                model.set("merges", mergesWithout((ArrayNode) merges, appendedInModelVocab));
            }
        }
        return toBytes(copy, false);
    }

    /**
     * The file as saved: every SOLO token an added token with its id and {@code special: true}
     * (existing entries keep their other flags), {@code added_tokens} sorted by id.
     *
     * @return UTF-8 JSON, indented
     */
    byte[] savedJson() {
        ObjectNode copy = root.deepCopy();
        List<JsonNode> tokens = new ArrayList<>();
        Set<String> emitted = new HashSet<>();
        JsonNode added = copy.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode token : added) {
                String content = token.get("content").asText();
                if (!APPENDED_SET.contains(content)) {
                    tokens.add(token);
                } else if (emitted.add(content)) {
                    ObjectNode entry = (ObjectNode) token;
                    entry.put("id", appendedIds.get(content));
                    entry.put("special", true);
                    tokens.add(entry);
                }
            }
        }
        for (Map.Entry<String, Integer> entry : appendedIds.entrySet()) {
            if (!emitted.contains(entry.getKey())) {
                tokens.add(newAddedToken(entry.getValue(), entry.getKey()));
            }
        }
        tokens.sort(Comparator.comparingInt(token -> token.get("id").intValue()));
        ArrayNode array = MAPPER.createArrayNode();
        array.addAll(tokens);
        copy.set("added_tokens", array);
        return toBytes(copy, true);
    }

    /**
     * The tokenizer_config.json as saved: where it has an {@code added_tokens_decoder} map (as
     * transformers writes it), SOLO's tokens are entered there too so both files agree.
     *
     * @param config the loaded config; not modified
     * @return UTF-8 JSON, indented
     */
    byte[] savedConfig(ObjectNode config) {
        ObjectNode copy = config.deepCopy();
        JsonNode decoder = copy.get("added_tokens_decoder");
        if (decoder != null && decoder.isObject()) {
            ObjectNode map = (ObjectNode) decoder;
            for (Map.Entry<String, Integer> entry : appendedIds.entrySet()) {
                String key = Integer.toString(entry.getValue());
                JsonNode existing = map.get(key);
                if (existing == null || !entry.getKey().equals(existing.path("content").asText())) {
                    ObjectNode token = newAddedToken(entry.getValue(), entry.getKey());
                    token.remove("id");
                    map.set(key, token);
                }
            }
        }
        return toBytes(copy, true);
    }

    private Map<String, Integer> readModelVocab(JsonNode model) {
        JsonNode vocab = model.get("vocab");
        Map<String, Integer> out = new HashMap<>();
        if (vocab != null && vocab.isObject()) {
            // BPE, WordLevel, WordPiece: {"token": id}
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().canConvertToInt() || !entry.getValue().isIntegralNumber()
                        || entry.getValue().intValue() < 0) {
                    throw new CheckpointException(source + ": model.vocab entry \"" + entry.getKey()
                            + "\" has no non-negative integer id");
                }
                out.put(entry.getKey(), entry.getValue().intValue());
            }
        } else if (vocab != null && vocab.isArray()) {
            // Unigram: [["piece", score], ...], the id is the position.
            for (int i = 0; i < vocab.size(); i++) {
                JsonNode piece = vocab.get(i).path(0);
                if (!piece.isTextual()) {
                    throw new CheckpointException(source + ": model.vocab[" + i + "] is not a [piece, score] pair");
                }
                out.putIfAbsent(piece.asText(), i);
            }
        } else {
            throw new CheckpointException(source + " has no model.vocab");
        }
        return out;
    }

    private List<ObjectNode> readAddedTokens() {
        JsonNode added = root.get("added_tokens");
        List<ObjectNode> out = new ArrayList<>();
        if (added == null || added.isNull()) {
            return out;
        }
        if (!added.isArray()) {
            throw new CheckpointException(source + ": added_tokens is not an array");
        }
        for (int i = 0; i < added.size(); i++) {
            JsonNode token = added.get(i);
            if (!token.isObject() || !token.path("id").isIntegralNumber() || !token.path("id").canConvertToInt()
                    || token.get("id").intValue() < 0 || !token.path("content").isTextual()) {
                throw new CheckpointException(source + ": added_tokens[" + i
                        + "] needs a non-negative integer \"id\" and a string \"content\"");
            }
            out.add((ObjectNode) token);
        }
        return out;
    }

    private static ArrayNode mergesWithout(ArrayNode merges, Set<String> removed) {
        ArrayNode kept = MAPPER.createArrayNode();
        for (JsonNode merge : merges) {
            String left;
            String right;
            if (merge.isArray() && merge.size() == 2) {
                left = merge.get(0).asText();
                right = merge.get(1).asText();
            } else {
                String text = merge.asText();
                int space = text.indexOf(' ');
                left = space < 0 ? text : text.substring(0, space);
                right = space < 0 ? "" : text.substring(space + 1);
            }
            if (!removed.contains(left) && !removed.contains(right) && !removed.contains(left + right)) {
                kept.add(merge);
            }
        }
        return kept;
    }

    private static ObjectNode newAddedToken(int id, String content) {
        ObjectNode token = MAPPER.createObjectNode();
        token.put("id", id);
        token.put("content", content);
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", true);
        return token;
    }

    private byte[] toBytes(ObjectNode node, boolean indent) {
        try {
            return indent ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node)
                    : MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(source + " could not be serialised: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> appendedTokens() {
        List<String> tokens = new ArrayList<>(5 + LOC_COUNT + 2);
        tokens.add(VisionTokens.VISION);
        tokens.add(VisionTokens.VPATCH);
        tokens.add(VisionTokens.VROW_SEP);
        tokens.add(VisionTokens.VFRAME_SEP);
        tokens.add(VisionTokens.VISION_END);
        for (int i = 1; i <= LOC_COUNT; i++) {
            tokens.add("<loc_" + i + ">");
        }
        tokens.add("<|im_start|>");
        tokens.add("<|im_end|>");
        return List.copyOf(tokens);
    }
}
