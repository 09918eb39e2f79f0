package ai.solo.impl.text;

import ai.solo.CheckpointException;
import ai.solo.EngineException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parsed Hugging Face {@code tokenizer.json} with SOLO's appended tokens resolved against it.
 *
 * <p>It produces the two variants {@link HfSoloTokenizer} needs: the file for <em>encoding</em>,
 * from which the appended tokens and the file's own special (control) tokens are removed so
 * that no text can ever become one of them, and the file as <em>saved</em>, in which every
 * appended token is a special added token with its id, so that Hugging Face transformers (and
 * the decoding side here) see the same vocabulary.
 *
 * <p>Token ids must lie in {@code [0, }{@link #MAX_TOKEN_ID}{@code )}; larger ids are rejected
 * as a malformed file rather than allowed to overflow the id arithmetic.
 */
final class TokenizerJson {
    private static final Logger logger = LoggerFactory.getLogger(TokenizerJson.class);

    /**
     * Exclusive upper bound of the token ids a file may use, 2^24 (16,777,216): hundreds of
     * times any real vocabulary, small enough that appending SOLO's tokens cannot overflow.
     */
    static final int MAX_TOKEN_ID = 1 << 24;

    /**
     * The tokenizer_config.json keys whose values transformers treats as special tokens
     * ({@code SPECIAL_TOKENS_ATTRIBUTES}); each holds a string or {@code {"content": ...}}.
     */
    private static final List<String> CONFIG_SPECIAL_KEYS = List.of("bos_token", "eos_token", "unk_token",
            "sep_token", "pad_token", "cls_token", "mask_token");

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
    /** Every token of model.vocab, SOLO tokens included. */
    private final Set<String> modelVocabKeys;
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
        modelVocabKeys = new HashSet<>(modelVocab.keySet());
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

    /**
     * The strings transformers would treat as special tokens by the config alone: the values
     * of {@code bos_token} .. {@code mask_token}, {@code additional_special_tokens}, and the
     * {@code added_tokens_decoder} entries marked {@code "special": true}.
     *
     * @param config a parsed tokenizer_config.json, or null
     * @return the strings, in no particular order; empty for a null config
     */
    static Set<String> configSpecialTokens(ObjectNode config) {
        Set<String> out = new HashSet<>();
        if (config == null) {
            return out;
        }
        for (String key : CONFIG_SPECIAL_KEYS) {
            String token = specialTokenString(config, key, null);
            if (token != null) {
                out.add(token);
            }
        }
        JsonNode additional = config.get("additional_special_tokens");
        if (additional != null && additional.isArray()) {
            for (JsonNode token : additional) {
                if (token.isTextual()) {
                    out.add(token.asText());
                } else if (token.path("content").isTextual()) {
                    out.add(token.get("content").asText());
                }
            }
        }
        JsonNode decoder = config.get("added_tokens_decoder");
        if (decoder != null && decoder.isObject()) {
            for (JsonNode token : decoder) {
                if (token.path("special").asBoolean(false) && token.path("content").isTextual()) {
                    out.add(token.get("content").asText());
                }
            }
        }
        return out;
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
     * The file's own control tokens, which text must never encode to: its {@code added_tokens}
     * marked {@code "special": true}, the {@code model.unk_token}, and {@code namedSpecial}
     * wherever the file holds them (as added tokens or in {@code model.vocab}). SOLO's tokens
     * are not included (they are hidden anyway). Non-special added tokens not named in
     * {@code namedSpecial} are ordinary words, as in Hugging Face, and are not included.
     *
     * @param namedSpecial strings that are special by other means: the bos/eos tokens in use
     *     and {@link #configSpecialTokens} of the tokenizer_config.json
     * @return the control token strings present in the file
     */
    Set<String> controlTokens(Set<String> namedSpecial) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode token : addedTokensOrEmpty(root)) {
            String content = token.get("content").asText();
            if (token.path("special").asBoolean(false) || namedSpecial.contains(content)) {
                out.add(content);
            }
        }
        JsonNode model = root.get("model");
        JsonNode unk = model.get("unk_token");
        if (unk != null && unk.isTextual() && baseIds.containsKey(unk.asText())) {
            out.add(unk.asText());
        }
        for (String token : namedSpecial) {
            if (baseIds.containsKey(token)) {
                out.add(token);
            }
        }
        out.removeAll(APPENDED_SET);
        return out;
    }

    /**
     * The file for text encoding and how to read the ids it yields.
     *
     * @param json the UTF-8 JSON to hand to the Hugging Face tokenizers library
     * @param addedBase the first id that library assigns to {@code added_tokens} absent from a
     *     positional (Unigram) {@code model.vocab}; {@link Integer#MAX_VALUE} when it assigns none
     * @param addedIds the file's ids of those added tokens: encoder id {@code addedBase + i} is
     *     file id {@code addedIds[i]}
     */
    record EncodingFile(byte[] json, int addedBase, int[] addedIds) {
        /**
         * @param encoderId an id the encoding tokenizer produced
         * @return the file's id for it
         * @throws EngineException if the encoder produced an id no token of the file maps to
         *     (a tokenizers library numbering added tokens unlike the one this was written for)
         */
        int fileId(long encoderId) {
            if (encoderId < addedBase) {
                return (int) encoderId;
            }
            long index = encoderId - addedBase;
            if (index >= addedIds.length) {
                throw new EngineException("the Hugging Face tokenizers library produced id " + encoderId
                        + ", which no added token of the tokenizer file was expected to get");
            }
            return addedIds[(int) index];
        }
    }

    /**
     * The file for text encoding: SOLO tokens and {@code controlTokens} removed from
     * {@code added_tokens} and, where the model's vocabulary is a map, from {@code model.vocab}
     * (with the BPE merges that build them or build from them), so the Hugging Face tokenizer
     * cannot match them in text. The model's {@code unk_token} stays in {@code model.vocab}
     * (the model needs it for characters it cannot otherwise encode) but loses its merges.
     *
     * <p>The Hugging Face library ignores the {@code "id"} of an added token that is not in
     * {@code model.vocab}: it numbers such tokens in order from the size of {@code model.vocab}.
     * Removing tokens would therefore renumber the added tokens that stay. So where
     * {@code model.vocab} is a map, the remaining added tokens are also entered into it at their
     * ids, which the library then keeps; where it is a positional (Unigram) list, the library's
     * numbering is recorded in the returned {@link EncodingFile} and undone after encoding.
     *
     * @param controlTokens the file's control tokens, from {@link #controlTokens}
     * @return the JSON and its id map
     */
    EncodingFile encodingFile(Set<String> controlTokens) {
        Set<String> hidden = new HashSet<>(APPENDED_SET);
        hidden.addAll(controlTokens);
        ObjectNode copy = root.deepCopy();
        List<JsonNode> keptAdded = new ArrayList<>();
        JsonNode added = copy.get("added_tokens");
        if (added != null && added.isArray()) {
            ArrayNode kept = MAPPER.createArrayNode();
            for (JsonNode token : added) {
                if (!hidden.contains(token.get("content").asText())) {
                    kept.add(token);
                    keptAdded.add(token);
                }
            }
            copy.set("added_tokens", kept);
        }
        ObjectNode model = (ObjectNode) copy.get("model");
        Set<String> inModelVocab = new HashSet<>(appendedInModelVocab);
        for (String token : controlTokens) {
            if (modelVocabKeys.contains(token)) {
                inModelVocab.add(token);
            }
        }
        if (model.get("vocab").isObject()) {
            ObjectNode vocab = (ObjectNode) model.get("vocab");
            JsonNode unk = model.get("unk_token");
            for (String token : inModelVocab) {
                if (unk == null || !token.equals(unk.asText())) {
                    vocab.remove(token);
                }
            }
            JsonNode merges = model.get("merges");
            if (!inModelVocab.isEmpty() && merges != null && merges.isArray()) {
                model.set("merges", mergesWithout((ArrayNode) merges, inModelVocab));
            }
            for (JsonNode token : keptAdded) {
                String content = token.get("content").asText();
                if (!content.isEmpty() && !vocab.has(content)) {
                    vocab.put(content, token.get("id").intValue());
                }
            }
            return new EncodingFile(toBytes(copy, false), Integer.MAX_VALUE, new int[0]);
        }
        Set<String> control = new HashSet<>(inModelVocab);
        control.removeAll(appendedInModelVocab);
        if (!control.isEmpty()) {
            // Unigram vocabularies are positional: removing a piece would shift every later id.
            logger.warn("{}: control tokens {} are pieces of a Unigram model.vocab and cannot be hidden "
                    + "from text encoding; text that spells them may encode to their ids", source,
                    abbreviate(control));
        }
        // Numbered as tokenizers' AddedVocabulary does: in order, skipping empty and repeated
        // contents and contents of model.vocab, from the vocabulary size on.
        int base = model.get("vocab").size();
        List<Integer> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode token : keptAdded) {
            String content = token.get("content").asText();
            if (!content.isEmpty() && seen.add(content) && !modelVocabKeys.contains(content)) {
                ids.add(token.get("id").intValue());
            }
        }
        return new EncodingFile(toBytes(copy, false), ids.isEmpty() ? Integer.MAX_VALUE : base,
                ids.stream().mapToInt(Integer::intValue).toArray());
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
                out.put(entry.getKey(), checkedId(entry.getValue(), "model.vocab token " + quote(entry.getKey())));
            }
        } else if (vocab != null && vocab.isArray()) {
            // Unigram: [["piece", score], ...], the id is the position.
            if (vocab.size() > MAX_TOKEN_ID) {
                throw new CheckpointException(source + ": model.vocab token "
                        + quote(vocab.get(MAX_TOKEN_ID).path(0).asText()) + " has id " + MAX_TOKEN_ID
                        + " (position in a list of " + vocab.size() + " pieces), outside [0, " + MAX_TOKEN_ID + ")");
            }
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
            if (!token.isObject() || !token.path("content").isTextual()) {
                throw new CheckpointException(source + ": added_tokens[" + i
                        + "] needs an integer \"id\" and a string \"content\"");
            }
            checkedId(token.get("id"), "added_tokens[" + i + "] " + quote(token.get("content").asText()));
            out.add((ObjectNode) token);
        }
        return out;
    }

    /**
     * @param id a token's id node, possibly missing
     * @param what the token, for the message
     * @return the id
     * @throws CheckpointException naming the file and the token unless the id is an integer in
     *     {@code [0, MAX_TOKEN_ID)}
     */
    private int checkedId(JsonNode id, String what) {
        if (id == null || !id.isIntegralNumber()) {
            throw new CheckpointException(source + ": " + what + " has no integer id");
        }
        if (!id.canConvertToInt() || id.intValue() < 0 || id.intValue() >= MAX_TOKEN_ID) {
            throw new CheckpointException(source + ": " + what + " has id " + id.asText() + ", outside [0, "
                    + MAX_TOKEN_ID + ")");
        }
        return id.intValue();
    }

    private static Iterable<JsonNode> addedTokensOrEmpty(ObjectNode root) {
        JsonNode added = root.get("added_tokens");
        return added != null && added.isArray() ? added : List.of();
    }

    /** @return the token in quotes, shortened to 64 characters so a hostile file cannot flood a message */
    static String quote(String token) {
        return "\"" + (token.length() > 64 ? token.substring(0, 64) + "..." : token) + "\"";
    }

    private static String abbreviate(Set<String> tokens) {
        List<String> sorted = new ArrayList<>(tokens);
        Collections.sort(sorted);
        return sorted.size() <= 10 ? sorted.toString()
                : sorted.subList(0, 10) + " and " + (sorted.size() - 10) + " more";
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
