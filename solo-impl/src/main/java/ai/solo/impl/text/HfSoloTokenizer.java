package ai.solo.impl.text;

import ai.solo.impl.io.AtomicFiles;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.solo.CheckpointException;
import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.VisionTokens;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SoloTokenizer} on a Hugging Face {@code tokenizer.json}, run by DJL's binding of the
 * Rust {@code tokenizers} library.
 *
 * <p><b>SOLO's tokens.</b> {@code <vision>}, {@code <vpatch>}, {@code <vrow_sep>},
 * {@code <vframe_sep>}, {@code </vision>}, {@code <loc_1>} .. {@code <loc_1024>},
 * {@code <|im_start|>}, {@code <|im_end|>} (1031 tokens, {@link #appendedTokenStrings()}). Those
 * the file already holds, as added tokens or in {@code model.vocab}, keep their ids. The missing
 * ones get the ids after the largest id in use, in that order; with Mistral's 32,000 pieces that
 * is {@code <vision>} = 32000 .. {@code <|im_end|>} = 33030, SOLO-7B's ids, and
 * {@link #vocabSize()} = 33031. A file holding only some of them keeps those ids and the rest
 * follow its largest id, so ids already trained stay put.
 *
 * <p><b>Encoding</b> treats all text as text. It adds no {@code <s>} and never yields a SOLO
 * token id nor one of the file's control tokens: the Hugging Face tokenizer that encodes knows
 * neither. Control tokens are the file's {@code added_tokens} marked {@code "special": true}
 * (Mistral's {@code <unk>}, {@code <s>}, {@code </s>}), the {@code bos_token} and
 * {@code eos_token} in use, the other special tokens that {@code tokenizer_config.json} names,
 * and the model's {@code unk_token}. So {@code "<vision>"} in text becomes ordinary pieces
 * ({@code ▁<}, {@code vision}, {@code >} with Mistral's), and so do {@code "<s>"},
 * {@code "</s>"} and {@code "<unk>"}: user content cannot end a turn or start a sequence.
 * Added tokens with {@code "special": false} stay words of the vocabulary, as in Hugging Face.
 * Two limits: a model without byte fallback still encodes characters it cannot represent as
 * its {@code unk_token}, and control tokens that are pieces of a Unigram {@code model.vocab}
 * cannot be removed (ids are positions there; a warning is logged). {@link #tokenId},
 * {@link #bosTokenId}, {@link #eosTokenId} and {@link #decode} see the full vocabulary.
 *
 * <p><b>Leading space.</b> Mistral's (Llama-style, legacy) tokenizer prepends {@code ▁} to every
 * string it encodes: {@code encode("x")} is {@code [1318]} ({@code ▁x}), {@code encode(" x")} is
 * {@code [28705, 1318]} ({@code ▁}, {@code ▁x}), {@code encode("")} is empty. Encoding the parts
 * of a prompt separately therefore differs from encoding it whole at every join:
 * {@code encode("[INST] q [/INST]A cat.")} ends in {@code 28741, 5255, 28723} ({@code A}), while
 * {@code encode("A cat.")} is {@code 330, 5255, 28723} ({@code ▁A}).
 *
 * <p><b>Decoding</b> uses a second Hugging Face tokenizer in which the SOLO tokens are special
 * added tokens, i.e. exactly what transformers does with the saved folder: SOLO tokens render as
 * their strings, or vanish with {@code <s>}, {@code </s>} and the file's other special tokens when
 * {@code skipSpecialTokens} is set.
 *
 * <p><b>Thread-safety and lifecycle.</b> The Rust tokenizers are immutable after loading and
 * DJL's encode/decode calls share no mutable Java state, so {@link #encode} and {@link #decode}
 * may run on many threads at once. {@link #close()} releases both native tokenizers, is safe to
 * call twice, and must not run while another thread is still encoding or decoding. After
 * close, {@link #encode} and {@link #decode} throw {@link IllegalStateException} naming the
 * tokenizer's file; {@link #saveTo}, {@link #tokenId} and the id accessors still work.
 *
 * <pre>{@code
 * try (HfSoloTokenizer tokenizer = HfSoloTokenizer.load(Path.of("mistral-tokenizer"))) {
 *     int[] ids = tokenizer.encode("This is a");          // [851, 349, 264]
 *     int vision = tokenizer.visionTokens().vision();     // 32000
 *     tokenizer.saveTo(Path.of("my-solo-checkpoint"));
 * }
 * }</pre>
 */
public final class HfSoloTokenizer implements SoloTokenizer {
    private static final Logger logger = LoggerFactory.getLogger(HfSoloTokenizer.class);

    /** File name of a Hugging Face tokenizer. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** File name of the transformers tokenizer settings beside it. */
    public static final String CONFIG_FILE = "tokenizer_config.json";

    private static final String DEFAULT_BOS = "<s>";
    private static final String DEFAULT_EOS = "</s>";

    /** Largest tokenizer.json read, 512 MiB (Mistral's is under 2 MiB). */
    static final int MAX_TOKENIZER_BYTES = 512 << 20;
    /** Largest tokenizer_config.json read, 16 MiB. */
    static final int MAX_CONFIG_BYTES = 16 << 20;

    // No <s> on encode (SequenceBuilder adds it explicitly); DJL truncates to 512 tokens and pads
    // by default, neither of which a language model's tokenizer may do.
    private static final Map<String, String> DJL_OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final String source;
    private final HuggingFaceTokenizer encoder;
    /** Maps the encoder's ids to the file's where the two differ. */
    private final TokenizerJson.EncodingFile encoding;
    private final HuggingFaceTokenizer decoder;
    private final byte[] savedJson;
    private final byte[] savedConfig;
    private final Map<String, Integer> baseIds;
    private final Map<String, Integer> appendedIds;
    private final int[] appendedSorted;
    private final VisionTokens visionTokens;
    private final String bosToken;
    private final String eosToken;
    private final int bosId;
    private final int eosId;
    private final int vocabSize;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HfSoloTokenizer(TokenizerJson json, HuggingFaceTokenizer encoder, TokenizerJson.EncodingFile encoding,
            HuggingFaceTokenizer decoder, byte[] savedJson, byte[] savedConfig, String bosToken, String eosToken) {
        this.source = json.source();
        this.encoder = encoder;
        this.encoding = encoding;
        this.decoder = decoder;
        this.savedJson = savedJson;
        this.savedConfig = savedConfig;
        this.baseIds = json.baseIds();
        this.appendedIds = json.appendedIds();
        this.appendedSorted = appendedIds.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.visionTokens = json.visionTokens();
        this.vocabSize = json.vocabSize();
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.bosId = tokenId(bosToken).orElse(-1);
        this.eosId = tokenId(eosToken).orElse(-1);
    }

    /**
     * Loads a tokenizer and adds SOLO's tokens where the file lacks them.
     *
     * @param path a {@code tokenizer.json} file, or a folder holding one; a
     *     {@code tokenizer_config.json} beside it, when present, names {@code bos_token} and
     *     {@code eos_token} (default {@code <s>} and {@code </s>}) and is written back by
     *     {@link #saveTo}
     * @return the tokenizer; close it
     * @throws CheckpointException naming the file if it is missing, larger than 512 MiB (16 MiB
     *     for the config), not JSON, not a Hugging Face tokenizer (no {@code "model"}), or uses a
     *     token id outside {@code [0, 2^24)}
     */
    public static HfSoloTokenizer load(Path path) {
        if (path == null) {
            throw new InvalidInputException("tokenizer path must not be null");
        }
        Path file = Files.isDirectory(path) ? path.resolve(TOKENIZER_FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("tokenizer file not found: " + file);
        }
        Path configFile = file.resolveSibling(CONFIG_FILE);
        ObjectNode config = Files.isRegularFile(configFile)
                ? TokenizerJson.parseObject(read(configFile, MAX_CONFIG_BYTES), configFile.toString())
                : null;
        return create(read(file, MAX_TOKENIZER_BYTES), file.toString(), config);
    }

    /**
     * Builds a tokenizer from the text of a {@code tokenizer.json}, without a
     * {@code tokenizer_config.json}; handy for small synthetic tokenizers in tests.
     *
     * @param tokenizerJson the JSON text
     * @return the tokenizer; close it
     * @throws CheckpointException if the text is not a Hugging Face tokenizer or is larger than
     *     512 MiB in UTF-8
     */
    public static HfSoloTokenizer fromJson(String tokenizerJson) {
        if (tokenizerJson == null) {
            throw new InvalidInputException("tokenizer JSON must not be null");
        }
        byte[] bytes = tokenizerJson.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_TOKENIZER_BYTES) {
            throw new CheckpointException("tokenizer JSON is " + bytes.length + " bytes, more than the "
                    + MAX_TOKENIZER_BYTES + " a tokenizer.json may have");
        }
        return create(bytes, "tokenizer JSON", null);
    }

    /**
     * @return SOLO's appended token strings in the order they are appended: the five vision
     *     tokens, {@code <loc_1>} .. {@code <loc_1024>}, {@code <|im_start|>}, {@code <|im_end|>}
     */
    public static List<String> appendedTokenStrings() {
        return TokenizerJson.APPENDED;
    }

    private static HfSoloTokenizer create(byte[] bytes, String source, ObjectNode config) {
        long start = System.nanoTime();
        TokenizerJson json = new TokenizerJson(TokenizerJson.parseObject(bytes, source), source);
        byte[] savedJson = json.savedJson();
        byte[] savedConfig = config == null ? null : json.savedConfig(config);
        String bos = TokenizerJson.specialTokenString(config, "bos_token", DEFAULT_BOS);
        String eos = TokenizerJson.specialTokenString(config, "eos_token", DEFAULT_EOS);
        Set<String> namedSpecial = TokenizerJson.configSpecialTokens(config);
        namedSpecial.add(bos);
        namedSpecial.add(eos);
        Set<String> control = json.controlTokens(namedSpecial);
        TokenizerJson.EncodingFile encoding = json.encodingFile(control);
        HuggingFaceTokenizer encoder = newNative(encoding.json(), source);
        HuggingFaceTokenizer decoder;
        try {
            decoder = newNative(savedJson, source);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        HfSoloTokenizer tokenizer = new HfSoloTokenizer(json, encoder, encoding, decoder, savedJson, savedConfig, bos, eos);
        int appended = TokenizerJson.APPENDED.size() - json.foundCount();
        logger.info("Loaded {} in {} ms: {} ids in the file, {} of {} SOLO tokens appended, "
                + "<vision> = {}, vocabulary size {}, {} control tokens kept out of text encoding",
                source, (System.nanoTime() - start) / 1_000_000, json.baseVocabSize(), appended,
                TokenizerJson.APPENDED.size(), tokenizer.visionTokens.vision(), tokenizer.vocabSize, control.size());
        logger.debug("{}: control tokens kept out of text encoding: {}", source, control);
        return tokenizer;
    }

    private static HuggingFaceTokenizer newNative(byte[] json, String source) {
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), DJL_OPTIONS);
        } catch (ai.djl.engine.EngineException | UnsatisfiedLinkError e) {
            throw new EngineException("the Hugging Face tokenizers native library could not be used: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(source + " was rejected by the Hugging Face tokenizers library: "
                    + e.getMessage(), e);
        }
    }

    /** Reads a whole file of at most {@code limit} bytes, checking the size before reading. */
    private static byte[] read(Path file, int limit) {
        try {
            long size = Files.size(file);
            if (size > limit) {
                throw tooLarge(file, size, limit);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                // Bounded even if the file grows after the size check.
                bytes = in.readNBytes(limit + 1);
            }
            if (bytes.length > limit) {
                throw tooLarge(file, bytes.length, limit);
            }
            return bytes;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static CheckpointException tooLarge(Path file, long size, int limit) {
        return new CheckpointException(file + " is " + size + " bytes, more than the " + limit
                + " (" + (limit >> 20) + " MiB) allowed for a " + file.getFileName());
    }

    /**
     * The native tokenizer receives text as UTF-8, in which an unpaired surrogate cannot be
     * written; JNI's modified UTF-8 passed its three bytes anyway, and each became a replacement
     * piece of its own. Each unpaired surrogate is read as one U+FFFD, Unicode's replacement
     * character, instead.
     */
    static String withoutUnpairedSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * Encodes text with the Hugging Face tokenizer that knows neither SOLO's tokens nor the
     * file's control tokens; adds no {@code <s>}, never truncates or pads.
     *
     * @param text any text; {@code "<s>"}, {@code "</s>"}, {@code "<vision>"} in it are text;
     *     an unpaired surrogate (not valid Unicode) is read as U+FFFD, the replacement character
     * @return token ids, none of them a SOLO token or a control token
     * @throws IllegalStateException naming the tokenizer's file after {@link #close()}
     */
    @Override
    public int[] encode(String text) {
        if (text == null) {
            throw new InvalidInputException("text must not be null");
        }
        long[] ids = live(encoder).encode(withoutUnpairedSurrogates(text), false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = encoding.fileId(ids[i]);
        }
        return out;
    }

    /**
     * Decodes ids as transformers decodes them with the saved folder.
     *
     * @param ids token ids, each in {@code [0, vocabSize())}
     * @param skipSpecialTokens drop SOLO's tokens and the file's special tokens ({@code <s>},
     *     {@code </s>}, {@code <unk>} for Mistral)
     * @return the text
     * @throws InvalidInputException naming the first id outside the vocabulary and its position
     * @throws IllegalStateException naming the tokenizer's file after {@link #close()}
     */
    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        if (ids == null) {
            throw new InvalidInputException("ids must not be null");
        }
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocabSize) {
                throw new InvalidInputException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            wide[i] = ids[i];
        }
        return live(decoder).decode(wide, skipSpecialTokens);
    }

    /**
     * @param token a SOLO token, or a token of the file's {@code model.vocab} or
     *     {@code added_tokens} such as {@code "</s>"} or {@code "▁This"}
     * @return its id, or empty when it is not a single token
     */
    @Override
    public OptionalInt tokenId(String token) {
        if (token == null) {
            throw new InvalidInputException("token must not be null");
        }
        Integer id = appendedIds.get(token);
        if (id == null) {
            id = baseIds.get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** @return ids of SOLO's five vision tokens in this vocabulary */
    @Override
    public VisionTokens visionTokens() {
        return visionTokens;
    }

    /** @return the ids of all 1031 SOLO tokens, ascending; a fresh array */
    @Override
    public int[] appendedTokenIds() {
        return appendedSorted.clone();
    }

    /**
     * @return id of the {@code bos_token} of tokenizer_config.json, {@code <s>} by default
     * @throws CheckpointException if the vocabulary has no such token
     */
    @Override
    public int bosTokenId() {
        if (bosId < 0) {
            throw new CheckpointException(source + " has no token " + bosToken + " (bos_token)");
        }
        return bosId;
    }

    /**
     * @return id of the {@code eos_token} of tokenizer_config.json, {@code </s>} by default
     * @throws CheckpointException if the vocabulary has no such token
     */
    @Override
    public int eosTokenId() {
        if (eosId < 0) {
            throw new CheckpointException(source + " has no token " + eosToken + " (eos_token)");
        }
        return eosId;
    }

    /** @return one more than the largest id, SOLO tokens included (33031 for Mistral's file) */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Writes {@code tokenizer.json}, with every SOLO token present as a special added token at
     * its id (so transformers' {@code AutoTokenizer} on the folder gives the same ids), and the
     * {@code tokenizer_config.json} if one was loaded. Each file is written through
     * {@link AtomicFiles}: to a temporary file in {@code dir}, then moved over the old one, so a
     * reader never sees half a file. The files hold the full vocabulary, control tokens
     * included; only the encoder held in memory hides them. Works after {@link #close()}.
     *
     * @param dir the checkpoint folder; created if missing (the interface only requires that an
     *     existing folder works)
     * @throws InvalidInputException if {@code dir} is null
     * @throws ai.solo.SoloException naming the folder or file if it cannot be created or written;
     *     a file that fails keeps its old content
     */
    @Override
    public void saveTo(Path dir) {
        if (dir == null) {
            throw new InvalidInputException("destination folder must not be null");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SoloException("cannot create tokenizer folder " + dir + ": " + e.getMessage(), e);
        }
        writeAtomically(dir.resolve(TOKENIZER_FILE), savedJson);
        if (savedConfig != null) {
            writeAtomically(dir.resolve(CONFIG_FILE), savedConfig);
        }
        logger.info("Wrote tokenizer {} to {}", source, dir);
    }

    /** Releases both native tokenizers; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            encoder.close();
            decoder.close();
            logger.debug("Closed tokenizer {}", source);
        }
    }

    private HuggingFaceTokenizer live(HuggingFaceTokenizer tokenizer) {
        if (closed.get()) {
            throw new IllegalStateException("tokenizer " + source + " is closed; load it again to encode or decode");
        }
        return tokenizer;
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        AtomicFiles.write(target, out -> out.write(bytes));
    }
}
