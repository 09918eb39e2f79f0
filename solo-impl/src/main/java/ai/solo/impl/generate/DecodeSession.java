package ai.solo.impl.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.SoloConfig;
import ai.solo.SoloException;
import ai.solo.generate.FinishReason;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.TokenListener;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.KvCache;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One generation request of one or more sequences: a left-padded prefill, then one batched
 * decode step per {@link #step()} call until every sequence has finished.
 *
 * <p>The request's key/value cache lives in its own manager, freed by {@link #close()}; each
 * step's temporaries live in an {@link NDScope} closed at the end of the step, so native memory
 * does not grow with the number of steps or requests. The model's lifecycle lock is held per
 * step, never between steps, so a lazily consumed stream cannot block {@code close()}.
 * Not thread-safe: one session per calling thread.
 */
final class DecodeSession implements AutoCloseable {
    private final DjlSoloModel model;
    private final SoloConfig modelConfig;
    private final GenerationConfig config;
    private final List<TokenSequence> prompts;
    private final Row[] rows;
    private final ModelBatch batch;
    private final int maxNewTokens; // the most any row may generate: sizes the cache
    private final Set<Integer> eos;
    private final long startNanos;
    private final long preprocessNanos;
    private KvCache cache;
    private long firstTokenNanos;
    private boolean closed;

    /** Per-sequence state. */
    private static final class Row {
        final Sampler sampler;
        final TextTracker text;
        final TokenListener listener;
        final int maxNewTokens;
        int[] ids = new int[16]; // generated ids in [0, count): a growing buffer, no boxing per step
        float[] logprobs = new float[16];
        int count;
        int position;
        FinishReason finish;

        Row(Sampler sampler, TextTracker text, TokenListener listener, int position, int maxNewTokens) {
            this.sampler = sampler;
            this.text = text;
            this.listener = listener;
            this.position = position;
            this.maxNewTokens = maxNewTokens;
        }

        void add(int token, float logprob) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
                logprobs = Arrays.copyOf(logprobs, count * 2);
            }
            ids[count] = token;
            logprobs[count] = logprob;
            count++;
        }

        int last() {
            return ids[count - 1];
        }
    }

    /**
     * Validates the request and prepares it; no native work happens here.
     *
     * @param model the model
     * @param tokenizer decodes output text; null gives empty text
     * @param prompts one laid-out prompt per sequence
     * @param config decoding options
     * @param listeners one per prompt (entries may be null), or null
     * @param startNanos when the caller's request started, for timings
     */
    DecodeSession(DjlSoloModel model, SoloTokenizer tokenizer, List<TokenSequence> prompts, GenerationConfig config,
            List<TokenListener> listeners, long startNanos) {
        if (prompts == null || prompts.isEmpty()) {
            throw new InvalidInputException("no prompt to generate from");
        }
        if (config == null) {
            throw new InvalidInputException("generation config must not be null");
        }
        this.model = model;
        this.modelConfig = model.config();
        this.config = config;
        this.prompts = List.copyOf(prompts);
        this.startNanos = startNanos;
        this.batch = LeftPadding.batch(this.prompts);
        int context = modelConfig.maxPositionEmbeddings();
        if (batch.seqLen() >= context) {
            throw new InvalidInputException("prompt of " + batch.seqLen() + " tokens (images included) leaves no room in"
                    + " the model's context of " + context + " tokens (max_position_embeddings)");
        }
        this.eos = new LinkedHashSet<>(modelConfig.eosTokenIds());
        int[] suppressed = suppressedIds(tokenizer, config, modelConfig.vocabSize(), eos);
        java.util.SplittableRandom seeds = new java.util.SplittableRandom();
        rows = new Row[prompts.size()];
        int longestAnswer = 0;
        for (int i = 0; i < rows.length; i++) {
            TokenSequence p = this.prompts.get(i);
            // each row's own room in the context, not the longest prompt's: a short prompt batched
            // with a long one must get as many tokens as it gets alone
            int rowMax = Math.min(config.maxNewTokens(), context - p.length());
            longestAnswer = Math.max(longestAnswer, rowMax);
            // a set seed is every row's seed, so each row samples as it would alone; without one,
            // each row gets a fresh seed so repeated calls and batch rows differ
            long seed = config.seed().orElseGet(seeds::nextLong);
            rows[i] = new Row(new Sampler(config, suppressed, p.inputIds(), seed),
                    new TextTracker(tokenizer, config.stopStrings()),
                    listeners == null ? null : listeners.get(i), p.length(), rowMax);
        }
        this.maxNewTokens = longestAnswer;
        this.preprocessNanos = System.nanoTime() - startNanos;
    }

    /**
     * Generates one more token for every unfinished sequence (the first call runs the prefill).
     *
     * @return whether any sequence is still unfinished
     */
    boolean step() {
        if (closed) {
            throw new IllegalStateException("generation was closed");
        }
        if (finished()) {
            return false;
        }
        float[] logits = model.withOpenModel(() -> {
            boolean first = cache == null;
            if (first) {
                // created outside the step's scope: the cache lives until close()
                cache = new KvCache(modelConfig, rows.length, batch.seqLen() + maxNewTokens,
                        model.weights().manager().newSubManager(), model.transformer().dataType());
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDManager stepManager = model.weights().manager().newSubManager();
                try {
                    NDArray out = first ? prefill(stepManager) : decode(stepManager);
                    return out.toFloatArray();
                } finally {
                    stepManager.close();
                }
            } catch (SoloException | IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EngineException("generation step failed: " + e.getMessage(), e);
            }
        });
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
        int vocab = modelConfig.vocabSize();
        for (int b = 0; b < rows.length; b++) {
            Row row = rows[b];
            if (row.finish != null) {
                continue;
            }
            int token = row.sampler.next(Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab));
            accept(row, token);
        }
        return !finished();
    }

    /**
     * The whole prompt batch at once, or, when left padding would be more than a tenth of the
     * work, one row at a time (same cache, same results, no compute on padding).
     */
    private NDArray prefill(NDManager stepManager) {
        long real = prompts.stream().mapToLong(TokenSequence::length).sum();
        long padded = (long) rows.length * batch.seqLen();
        if (rows.length > 1 && padded * 10 > real * 11 && batch.seqLen() <= cache.capacity()) {
            List<ModelBatch> single = prompts.stream().map(ModelBatch::of).toList();
            return model.transformer().prefillEachRow(batch, single, cache, stepManager);
        }
        return model.transformer().prefill(batch, cache, stepManager);
    }

    private NDArray decode(NDManager stepManager) {
        int[] tokens = new int[rows.length];
        int[] positions = new int[rows.length];
        for (int b = 0; b < rows.length; b++) {
            Row row = rows[b];
            // finished rows keep stepping in the batch with their last token; their output is ignored
            tokens[b] = row.last();
            positions[b] = row.position - 1;
        }
        return model.transformer().decode(tokens, positions, cache, stepManager);
    }

    private void accept(Row row, int token) {
        float logprob = row.sampler.lastLogprob();
        row.add(token, logprob);
        row.position++;
        String piece = row.text.accept(row.ids, row.count);
        // end-of-sequence first: a generation_config.json lists the EOS ids as stop ids too
        if (eos.contains(token)) {
            row.finish = FinishReason.EOS;
        } else if (row.text.stopped() || config.stopTokenIds().contains(token)) {
            row.finish = FinishReason.STOP;
        } else if (row.count >= row.maxNewTokens) {
            row.finish = FinishReason.LENGTH;
        }
        if (row.finish != null && !row.text.stopped()) {
            piece += row.text.flush(row.ids, row.count);
        }
        if (row.listener != null) {
            boolean goOn = row.listener.onToken(new TokenListener.GeneratedToken(token, piece,
                    config.returnLogprobs() ? logprob : Float.NaN, row.count - 1));
            if (!goOn && row.finish == null) {
                row.finish = FinishReason.CANCELLED;
            }
        }
    }

    /** Marks every unfinished sequence as cancelled. */
    void cancel() {
        for (Row row : rows) {
            if (row.finish == null) {
                row.finish = FinishReason.CANCELLED;
            }
        }
    }

    /** @return whether every sequence has finished */
    boolean finished() {
        for (Row row : rows) {
            if (row.finish == null) {
                return false;
            }
        }
        return true;
    }

    /** Runs steps until every sequence has finished. */
    void runToEnd() {
        while (step()) {
            // each step generates one token per unfinished sequence
        }
    }

    /** @return one result per prompt; call once every sequence has finished */
    List<GenerationResult> results() {
        long end = System.nanoTime();
        long ttft = firstTokenNanos == 0 ? end - startNanos : firstTokenNanos - startNanos;
        GenerationResult.Timings timings = new GenerationResult.Timings(preprocessNanos, ttft,
                firstTokenNanos == 0 ? 0 : end - firstTokenNanos, end - startNanos);
        List<GenerationResult> out = new ArrayList<>(rows.length);
        for (int b = 0; b < rows.length; b++) {
            Row row = rows[b];
            float[] logprobs = config.returnLogprobs() ? Arrays.copyOf(row.logprobs, row.count) : null;
            out.add(new GenerationResult(resultText(row), Arrays.copyOf(row.ids, row.count),
                    prompts.get(b).inputIds(), row.finish == null ? FinishReason.CANCELLED : row.finish, logprobs,
                    timings));
        }
        return out;
    }

    /** A cancelled request returns exactly the text its listener saw; others the whole output. */
    private static String resultText(Row row) {
        return row.finish == FinishReason.CANCELLED ? row.text.emittedText() : row.text.text();
    }

    /**
     * The ids sampling never picks: the configured ones plus, by default, SOLO's appended tokens,
     * except end-of-sequence and stop ids, which must stay reachable (a fine-tuned checkpoint may
     * end turns with an appended token such as {@code <|im_end|>}).
     */
    private static int[] suppressedIds(SoloTokenizer tokenizer, GenerationConfig config, int vocab, Set<Integer> eos) {
        for (int id : config.suppressTokenIds()) {
            if (id >= vocab) {
                throw new InvalidInputException("suppressTokenIds holds " + id + ", outside the vocabulary [0, " + vocab + ")");
            }
        }
        Set<Integer> ids = new LinkedHashSet<>(config.suppressTokenIds());
        if (config.suppressSoloTokens() && tokenizer != null) {
            for (int id : tokenizer.appendedTokenIds()) {
                if (id < vocab && !eos.contains(id) && !config.stopTokenIds().contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Frees the request's key/value cache; safe to call twice. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (cache != null) {
                cache.close();
            }
        }
    }
}
