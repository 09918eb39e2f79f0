package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.SoloConfig;
import ai.solo.impl.engine.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * The SOLO network in its three stages: {@link InputEmbedding} (tokens + patches), the
 * {@link DecoderLayer}s, and the {@link OutputHead}. Holds no state between calls, so it may
 * run on several threads at once.
 */
public final class SoloTransformer {
    /** Logits are returned as one float[]: its length limit, with the JVM's header margin. */
    static final long MAX_LOGITS = Integer.MAX_VALUE - 8;

    private final SoloConfig config;
    private final InputEmbedding embedding;
    private final List<DecoderLayer> layers;
    private final OutputHead head;
    private final RotaryEmbedding rope;
    private final int attentionBlock;

    /**
     * A transformer with the default attention block.
     *
     * @param config the model shape
     * @param weights its parameters
     */
    public SoloTransformer(SoloConfig config, ModelWeights weights) {
        this(config, weights, ai.solo.ModelOptions.DEFAULT_ATTENTION_BLOCK);
    }

    /**
     * @param config the model shape
     * @param weights its parameters
     * @param attentionBlock queries per attention block (see {@link ai.solo.ModelOptions})
     */
    public SoloTransformer(SoloConfig config, ModelWeights weights, int attentionBlock) {
        this.config = config;
        this.attentionBlock = attentionBlock;
        this.embedding = new InputEmbedding(weights);
        List<DecoderLayer> list = new ArrayList<>(config.numHiddenLayers());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new DecoderLayer(weights, i, config));
        }
        this.layers = List.copyOf(list);
        this.head = new OutputHead(weights, config);
        this.rope = new RotaryEmbedding(config.headDim(), config.ropeTheta());
    }

    /**
     * Runs the whole network. Every array it creates is attached to {@code manager}.
     *
     * @param batch the inputs, validated against the config before any native work
     * @param manager scope for inputs and intermediates; the caller closes it
     * @return float32 logits {@code [B, T, vocab]}
     */
    public NDArray forward(ModelBatch batch, NDManager manager) {
        validate(batch);
        long logitCount = (long) batch.batchSize() * batch.seqLen() * config.vocabSize();
        if (logitCount > MAX_LOGITS) {
            throw new InvalidInputException("batch of " + batch.batchSize() + " x " + batch.seqLen() + " tokens would "
                    + "produce " + logitCount + " logits, more than one Java array holds (" + MAX_LOGITS + ")");
        }
        return head.forward(hiddenOfValid(batch, manager));
    }

    /**
     * The final hidden states, before the output head: what training needs, since it applies
     * the head only where a loss is taken.
     *
     * @param batch the inputs (segment ids give block-diagonal attention)
     * @param manager scope for inputs and intermediates; the caller closes it
     * @return hidden states {@code [B, T, hidden]}
     */
    public NDArray hidden(ModelBatch batch, NDManager manager) {
        validate(batch);
        return hiddenOfValid(batch, manager);
    }

    /** {@link #hidden} of a batch already validated: validation loops over every id, once is enough. */
    private NDArray hiddenOfValid(ModelBatch batch, NDManager manager) {
        Inputs in = inputs(batch, manager);
        return layers(in, blocks(batch, manager), null, 0, false);
    }

    /**
     * Prepares a pass over a batch that the caller runs stage by stage: what activation
     * checkpointing needs, since it runs each layer again in the backward pass.
     *
     * @param batch the inputs (segment ids give block-diagonal attention)
     * @param manager scope of the pass's inputs, rotary tables and masks; the caller closes it
     * @return the pass
     */
    public Pass begin(ModelBatch batch, NDManager manager) {
        validate(batch);
        Inputs in = inputs(batch, manager);
        NDArray[] cosSin = rope.tables(in.positions(), embedding.dataType());
        return new Pass(in, new AttentionContext(cosSin[0], cosSin[1], blocks(batch, manager)));
    }

    /**
     * One forward pass split into its stages, which may be run more than once: the embedding,
     * then each decoder layer on the previous one's output. The inputs, rotary tables and
     * attention masks are computed once, in {@link #begin}.
     */
    public final class Pass {
        private final Inputs in;
        private final AttentionContext context;

        private Pass(Inputs in, AttentionContext context) {
            this.in = in;
            this.context = context;
        }

        /** @return the embedded inputs {@code [B, T, hidden]}, the first layer's input */
        public NDArray embed() {
            return Scopes.keepOnly(() -> embedding.forward(in.ids(), in.patchRows(), in.patches()));
        }

        /**
         * @param index the layer
         * @param x its input {@code [B, T, hidden]}
         * @return its output {@code [B, T, hidden]}, attached to {@code x}'s manager
         */
        public NDArray layer(int index, NDArray x) {
            return Scopes.keepOnly(() -> layers.get(index).forward(x, context));
        }

        /** @return decoder layers in the model */
        public int layerCount() {
            return layers.size();
        }
    }

    /**
     * @param hidden hidden states {@code [..., hidden]}
     * @return float32 logits {@code [..., vocab]}
     */
    public NDArray head(NDArray hidden) {
        return head.forward(hidden);
    }

    /**
     * Runs a prompt through the network and fills the cache with its keys and values.
     *
     * @param batch the prompts, left-padded to one length
     * @param cache an empty cache sized for the request
     * @param manager scope for inputs and intermediates; the caller closes it
     * @return float32 logits of the last position {@code [B, vocab]}
     */
    public NDArray prefill(ModelBatch batch, KvCache cache, NDManager manager) {
        validate(batch);
        Inputs in = inputs(batch, manager);
        List<AttentionBlock> blocks = blocks(batch, manager);
        cache.advance(0, batch.seqLen(), batch.attentionMask());
        return run(in, blocks, cache, 0, false, true);
    }

    /**
     * {@link #prefill} of a left-padded batch, one row at a time: no work on padding, which for
     * prompts of different lengths is most of a padded batch's (8 prompts of 77-167 tokens
     * padded to 167 compute 1,336 positions for 916 real ones). Each row's keys and values land
     * in the batch cache where the padded prefill would have put them, so decoding goes on as
     * after {@link #prefill}; each row's result is exactly what it computes alone.
     *
     * @param batch the prompts, left-padded to one length
     * @param rows each prompt on its own, unpadded, in batch order
     * @param cache an empty cache for the batch, holding the whole padded prompt without wrapping
     * @param manager scope for inputs and intermediates; the caller closes it
     * @return float32 logits of each row's last position {@code [B, vocab]}
     */
    public NDArray prefillEachRow(ModelBatch batch, List<ModelBatch> rows, KvCache cache, NDManager manager) {
        validate(batch);
        int t = batch.seqLen();
        if (rows.size() != batch.batchSize() || t > cache.capacity()) {
            throw new IllegalArgumentException(rows.size() + " rows for a batch of " + batch.batchSize()
                    + ", or a padded length " + t + " over the cache's " + cache.capacity());
        }
        NDList logits = new NDList(rows.size());
        for (int b = 0; b < rows.size(); b++) {
            ModelBatch row = rows.get(b);
            try (NDManager rowManager = manager.newSubManager()) {
                KvCache single = new KvCache(config, 1, row.seqLen(), rowManager, dataType());
                NDArray out = prefill(row, single, rowManager);
                cache.copyRow(b, t - row.seqLen(), single);
                out.attach(manager); // outlives the row's manager
                logits.add(out);
            }
        }
        cache.advance(0, t, batch.attentionMask());
        return NDArrays.concat(logits, 0);
    }

    /**
     * One decode step: every row appends one token, attending to the cache.
     *
     * @param tokens {@code [B]} the token each row appends
     * @param positions {@code [B]} that token's position id (its index among the row's real tokens)
     * @param cache the request's cache, filled up to the previous token
     * @param manager scope for inputs and intermediates; the caller closes it
     * @return float32 logits {@code [B, vocab]}
     */
    public NDArray decode(int[] tokens, int[] positions, KvCache cache, NDManager manager) {
        int b = tokens.length;
        for (int i = 0; i < b; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new InvalidInputException("token " + tokens[i] + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
        int start = cache.length();
        cache.advance(start, 1, null);
        Inputs in = new Inputs(manager.create(toLongs(tokens), new Shape(b, 1)), null, null,
                manager.create(toLongs(positions), new Shape(b, 1)));
        NDArray mask = AttentionMask.build(manager, start, 1, cache.slotIndices(), b, config.slidingWindow());
        return run(in, List.of(new AttentionBlock(0, 1, 0, AttentionBlock.ALL_KEYS, mask)), cache, start, true, true);
    }

    /** Model inputs as engine arrays. */
    private record Inputs(NDArray ids, NDArray patchRows, NDArray patches, NDArray positions) {
    }

    private Inputs inputs(ModelBatch batch, NDManager manager) {
        int b = batch.batchSize();
        int t = batch.seqLen();
        NDArray ids = manager.create(toLongs(batch.inputIds()), new Shape(b, t));
        NDArray patchRows = null;
        NDArray patches = null;
        if (batch.patchCount() > 0) {
            long none = batch.patchCount();
            long[] rows = new long[batch.patchIndices().length];
            for (int i = 0; i < rows.length; i++) {
                int p = batch.patchIndices()[i];
                rows[i] = p < 0 ? none : p;
            }
            patchRows = manager.create(rows);
            patches = manager.create(batch.patches(), new Shape(batch.patchCount(), batch.patchDim()));
        }
        return new Inputs(ids, patchRows, patches, manager.create(toLongs(positions(batch)), new Shape(b, t)));
    }

    /** The query blocks of a pass over a whole batch (no cached keys before it). */
    private List<AttentionBlock> blocks(ModelBatch batch, NDManager manager) {
        return QueryBlocks.plan(manager, AttentionMask.keyIndices(batch.attentionMask(), batch.seqLen()),
                batch.batchSize(), batch.seqLen(), config.slidingWindow(), batch.segmentIds(), attentionBlock);
    }

    private NDArray layers(Inputs in, List<AttentionBlock> blocks, KvCache cache, int start, boolean attendToCache) {
        NDArray[] cosSin = rope.tables(in.positions(), embedding.dataType());
        AttentionContext context = new AttentionContext(cosSin[0], cosSin[1], blocks, cache, start, attendToCache);
        NDArray x = Scopes.keepOnly(() -> embedding.forward(in.ids(), in.patchRows(), in.patches()));
        for (DecoderLayer layer : layers) {
            NDArray input = x;
            // each layer's temporaries are freed as soon as it is done (autograd keeps what it needs)
            x = Scopes.keepOnly(() -> layer.forward(input, context));
            input.close();
        }
        return x;
    }

    private NDArray run(Inputs in, List<AttentionBlock> blocks, KvCache cache, int start, boolean attendToCache,
            boolean lastOnly) {
        NDArray x = layers(in, blocks, cache, start, attendToCache);
        if (!lastOnly) {
            return head.forward(x);
        }
        // only the next token's scores are needed: skip lm_head on every other position
        Shape s = x.getShape();
        NDArray last = x.get(new NDIndex(":, {}:, :", s.get(1) - 1));
        return head.forward(last).reshape(s.get(0), -1);
    }

    /** @return the model shape */
    public SoloConfig config() {
        return config;
    }

    /**
     * Position ids as given, or counted from 0 over each sequence's real tokens, so that both
     * left and right padding give every real token its index among real tokens.
     */
    static int[] positions(ModelBatch batch) {
        if (batch.positionIds() != null) {
            return batch.positionIds();
        }
        int[] out = new int[batch.inputIds().length];
        for (int s = 0; s < batch.batchSize(); s++) {
            int next = 0;
            for (int i = s * batch.seqLen(); i < (s + 1) * batch.seqLen(); i++) {
                out[i] = batch.attentionMask()[i] == 1 ? next++ : 0;
            }
        }
        return out;
    }

    private void validate(ModelBatch batch) {
        if (batch.seqLen() > config.maxPositionEmbeddings()) {
            throw new InvalidInputException("sequence of " + batch.seqLen() + " tokens is longer than the model's "
                    + "max_position_embeddings (" + config.maxPositionEmbeddings() + ")");
        }
        int vocab = config.vocabSize();
        int[] ids = batch.inputIds();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new InvalidInputException("inputIds[" + i + "] = " + ids[i] + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (batch.patchCount() > 0 && batch.patchDim() != config.patchDim()) {
            throw new InvalidInputException("patches have " + batch.patchDim() + " values each, the model's patch size "
                    + config.visionPatchSize() + " needs " + config.patchDim());
        }
    }

    private static long[] toLongs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** @return the type activations are computed in */
    public DataType dataType() {
        return embedding.dataType();
    }
}
