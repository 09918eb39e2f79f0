package ai.solo.impl.model;

import static ai.solo.impl.model.TinyModels.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.ModelBatch;
import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.impl.engine.Engines;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvCacheTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Engines.newManager(ModelOptions.defaults());
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static SoloConfig window(Integer window) {
        // one kv head of width 2: a cache slot holds two numbers per layer, easy to read back
        return SoloConfig.builder().vocabSize(50).hiddenSize(4).intermediateSize(4).numHiddenLayers(1)
                .numAttentionHeads(2).numKeyValueHeads(1).slidingWindow(window).build();
    }

    /** Keys {@code [1, 1, count, 2]} whose values are their sequence index. */
    private NDArray indexed(int start, int count) {
        float[] v = new float[2 * count];
        for (int i = 0; i < 2 * count; i++) {
            v[i] = start + i / 2;
        }
        return manager.create(v, new Shape(1, 1, count, 2));
    }

    /** @return what each slot of a one-row, one-head view holds */
    private static float[] perSlot(NDArray view) {
        float[] all = view.toFloatArray();
        float[] out = new float[all.length / 2];
        for (int i = 0; i < out.length; i++) {
            assertThat(all[2 * i + 1]).isEqualTo(all[2 * i]);
            out[i] = all[2 * i];
        }
        return out;
    }

    @Test
    void capacityIsTheRequestLengthWithoutAWindowOrWithALongerOne() {
        try (KvCache none = new KvCache(window(null), 2, 30, manager.newSubManager(), DataType.FLOAT32);
                KvCache longer = new KvCache(window(64), 2, 30, manager.newSubManager(), DataType.FLOAT32)) {
            assertThat(none.capacity()).isEqualTo(30);
            assertThat(longer.capacity()).isEqualTo(30);
        }
    }

    @Test
    void capacityIsTheWindowWhenTheRequestIsLonger() {
        try (KvCache cache = new KvCache(window(8), 1, 30, manager.newSubManager(), DataType.FLOAT32)) {
            assertThat(cache.capacity()).isEqualTo(8);
        }
    }

    @Test
    void prefillLongerThanTheWindowKeepsOnlyItsLastWindowTokens() {
        try (KvCache cache = new KvCache(window(8), 1, 30, manager.newSubManager(), DataType.FLOAT32)) {
            cache.advance(0, 11, null);
            cache.write(0, 0, indexed(0, 11), indexed(100, 11));

            NDArray[] kv = cache.view(0, manager);
            // slot s holds index i with i % 8 == s, for the last 8 indices 3..10
            assertThat(perSlot(kv[0])).containsExactly(8, 9, 10, 3, 4, 5, 6, 7);
            assertThat(perSlot(kv[1])).containsExactly(108, 109, 110, 103, 104, 105, 106, 107);
            assertThat(cache.slotIndices()).containsExactly(8, 9, 10, 3, 4, 5, 6, 7);
            assertThat(cache.length()).isEqualTo(11);
        }
    }

    @Test
    void decodeStepsOverwriteTheOldestSlot() {
        try (KvCache cache = new KvCache(window(4), 1, 30, manager.newSubManager(), DataType.FLOAT32)) {
            cache.advance(0, 3, null);
            cache.write(0, 0, indexed(0, 3), indexed(0, 3));
            assertThat(cache.slotIndices()).containsExactly(0, 1, 2);
            assertThat(cache.view(0, manager)[0].getShape()).isEqualTo(new Shape(1, 1, 3, 2));

            for (int index = 3; index < 7; index++) {
                cache.advance(index, 1, null);
                cache.write(0, index, indexed(index, 1), indexed(index, 1));
            }

            assertThat(perSlot(cache.view(0, manager)[0])).containsExactly(4, 5, 6, 3);
            assertThat(cache.slotIndices()).containsExactly(4, 5, 6, 3);
        }
    }

    @Test
    void paddingSlotsAreMarkedEmpty() {
        try (KvCache cache = new KvCache(window(null), 2, 6, manager.newSubManager(), DataType.FLOAT32)) {
            cache.advance(0, 3, new int[] {0, 1, 1, 1, 1, 1});

            assertThat(cache.slotIndices()).containsExactly(-1, 1, 2, 0, 1, 2);
        }
    }

    @Test
    void writesMustContinueWhereTheCacheEnds() {
        try (KvCache cache = new KvCache(window(null), 1, 6, manager.newSubManager(), DataType.FLOAT32)) {
            cache.advance(0, 3, null);

            assertThatThrownBy(() -> cache.advance(4, 1, null)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("[0, 3)");
        }
    }

    @Test
    void closeFreesTheCacheArraysAndIsSafeTwice() {
        int before = manager.getManagedArrays().size();
        KvCache cache = new KvCache(window(null), 1, 6, manager.newSubManager(), DataType.FLOAT32);
        assertThat(manager.getManagedArrays().size()).isGreaterThan(before);

        cache.close();
        cache.close();

        assertThat(manager.getManagedArrays()).hasSize(before);
    }

    /** Prefill then decode, one token at a time, with the cache; logits of every new position. */
    private static float[][] cachedLogits(DjlSoloModel model, ModelBatch full, int promptLength) {
        SoloConfig config = model.config();
        int b = full.batchSize();
        int t = full.seqLen();
        int vocab = config.vocabSize();
        float[][] out = new float[t - promptLength + 1][];
        try (NDManager request = model.weights().manager().newSubManager();
                KvCache cache = new KvCache(config, b, t, request.newSubManager(), model.transformer().dataType())) {
            ModelBatch prompt = slice(full, promptLength);
            out[0] = model.transformer().prefill(prompt, cache, request).toFloatArray();
            int[] positions = new int[b];
            for (int r = 0; r < b; r++) {
                for (int i = 0; i < promptLength; i++) {
                    positions[r] += full.attentionMask()[r * t + i];
                }
            }
            for (int i = promptLength; i < t; i++) {
                int[] tokens = new int[b];
                for (int r = 0; r < b; r++) {
                    tokens[r] = full.inputIds()[r * t + i];
                }
                out[i - promptLength + 1] = model.transformer().decode(tokens, positions, cache, request).toFloatArray();
                for (int r = 0; r < b; r++) {
                    positions[r]++;
                }
            }
        }
        assertThat(out[0]).hasSize(b * vocab);
        return out;
    }

    private static ModelBatch slice(ModelBatch full, int length) {
        int b = full.batchSize();
        int t = full.seqLen();
        int[] ids = new int[b * length];
        int[] idx = new int[b * length];
        int[] mask = new int[b * length];
        for (int r = 0; r < b; r++) {
            System.arraycopy(full.inputIds(), r * t, ids, r * length, length);
            System.arraycopy(full.patchIndices(), r * t, idx, r * length, length);
            System.arraycopy(full.attentionMask(), r * t, mask, r * length, length);
        }
        return new ModelBatch(b, length, ids, idx, full.patches(), full.patchDim(), mask, null);
    }

    @Test
    void cachedDecodingThroughAWrappingWindowGivesTheFullForwardPassLogits() {
        SoloConfig config = TinyModels.config().slidingWindow(4).build();
        try (DjlSoloModel model = DjlSoloModel.create(config, 5, ModelOptions.defaults())) {
            ModelBatch full = TinyModels.batch(config, 16, 3, 9);
            float[] reference = model.logits(full).values();

            float[][] cached = cachedLogits(model, full, 7);

            int vocab = config.vocabSize();
            for (int step = 0; step < cached.length; step++) {
                int position = 6 + step;
                float[] expected = Arrays.copyOfRange(reference, position * vocab, (position + 1) * vocab);
                assertThat(maxAbsDiff(cached[step], expected)).as("position %d", position).isLessThan(1e-4);
            }
        }
    }

    @Test
    void leftPaddedRowsDecodeAsTheyWouldAloneWithAWindow() {
        SoloConfig config = TinyModels.config().slidingWindow(5).build();
        try (DjlSoloModel model = DjlSoloModel.create(config, 6, ModelOptions.defaults())) {
            ModelBatch alone = TinyModels.batch(config, 12, 2, 3);
            // the same 12 tokens after 4 padding positions, next to an unpadded row of 16
            ModelBatch other = TinyModels.batch(config, 16, 0, 4);
            int t = 16;
            int[] ids = new int[2 * t];
            int[] idx = new int[2 * t];
            int[] mask = new int[2 * t];
            Arrays.fill(idx, -1);
            System.arraycopy(alone.inputIds(), 0, ids, 4, 12);
            System.arraycopy(alone.patchIndices(), 0, idx, 4, 12);
            Arrays.fill(mask, 4, 16, 1);
            System.arraycopy(other.inputIds(), 0, ids, t, t);
            Arrays.fill(mask, t, 2 * t, 1);
            ModelBatch padded = new ModelBatch(2, t, ids, idx, alone.patches(), alone.patchDim(), mask, null);

            float[][] batched = cachedLogits(model, padded, 10);
            float[][] single = cachedLogits(model, alone, 6);

            int vocab = config.vocabSize();
            for (int step = 0; step < batched.length; step++) {
                float[] row0 = Arrays.copyOf(batched[step], vocab);
                assertThat(maxAbsDiff(row0, single[step])).as("step %d", step).isLessThan(1e-4);
            }
        }
    }

    @Test
    void copyRowPutsARowsEntriesAfterItsPaddingAndZeroesThePadding() {
        KvCache batch = new KvCache(window(null), 2, 6, manager.newSubManager(), DataType.FLOAT32);
        KvCache single = new KvCache(window(null), 1, 3, manager.newSubManager(), DataType.FLOAT32);
        single.advance(0, 3, null);
        single.write(0, 0, indexed(1, 3), indexed(1, 3));
        // whatever the uninitialised memory held: fill row 1 with a marker to see what is overwritten
        batch.write(0, 0, indexed(9, 5).repeat(0, 2), indexed(9, 5).repeat(0, 2));

        batch.copyRow(1, 2, single);
        batch.advance(0, 5, new int[] {1, 1, 1, 1, 1, 0, 0, 1, 1, 1});

        NDArray keys = batch.view(0, manager)[0];
        assertThat(perSlot(keys.get("1:2"))).containsExactly(0, 0, 1, 2, 3);
        assertThat(perSlot(keys.get("0:1"))).as("the other row is untouched").containsExactly(9, 10, 11, 12, 13);
        assertThatThrownBy(() -> batch.copyRow(0, 4, single)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("into row 0 at slot 4");
    }
}
