package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.SoloConfig;
import java.util.Arrays;

/**
 * Keys and values of every layer for one generation request, preallocated once and written in
 * place, so a decode step copies only the new token's keys.
 *
 * <p>Slot {@code s} holds the token of sequence index {@code i} where {@code s = i % capacity}.
 * Without a sliding window (or when the whole request fits in it) the capacity is the request's
 * full length and slots never wrap; with a window shorter than that, the capacity is the window
 * and old tokens are overwritten exactly when no later query may see them any more. Which index
 * each slot holds is tracked on the Java side ({@link #slotIndices()}), which is all the
 * attention mask needs.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys; // per layer [B, kv_heads, capacity, head_dim], RoPE applied
    private final NDArray[] values; // per layer [B, kv_heads, capacity, head_dim]
    private final long[] slotIndex; // [B * capacity]: sequence index held by each slot, -1 = none
    private final int batch;
    private final int capacity;
    private int written; // sequence indices [0, written) have been written

    /**
     * @param config the model shape
     * @param batch rows B
     * @param length longest sequence the request reaches (prompt plus new tokens)
     * @param manager owner of the cache arrays, closed with this cache
     * @param type the activations' type
     */
    public KvCache(SoloConfig config, int batch, int length, NDManager manager, DataType type) {
        this.manager = manager;
        this.batch = batch;
        this.capacity = Math.min(length, config.slidingWindow().orElse(Integer.MAX_VALUE));
        int layers = config.numHiddenLayers();
        keys = new NDArray[layers];
        values = new NDArray[layers];
        Shape shape = new Shape(batch, config.numKeyValueHeads(), capacity, config.headDim());
        for (int i = 0; i < layers; i++) {
            // uninitialised: a slot is always written (padding included) before attention reads it
            keys[i] = manager.create(shape, type);
            values[i] = manager.create(shape, type);
        }
        slotIndex = new long[Math.multiplyExact(batch, capacity)];
        Arrays.fill(slotIndex, -1);
    }

    /**
     * Records which sequence indices the next {@link #write} fills, per row.
     *
     * @param start sequence index of the first new token
     * @param count new tokens per row
     * @param real {@code [B * count]}: 1 where the token is real, 0 for padding; null for all real
     */
    void advance(int start, int count, int[] real) {
        if (start != written) {
            throw new IllegalStateException("cache holds indices [0, " + written + "), cannot write from " + start);
        }
        for (int t = Math.max(0, count - capacity); t < count; t++) {
            int slot = (start + t) % capacity;
            for (int b = 0; b < batch; b++) {
                boolean isReal = real == null || real[b * count + t] == 1;
                slotIndex[b * capacity + slot] = isReal ? start + t : -1;
            }
        }
        written = start + count;
    }

    /**
     * Stores one layer's new keys and values; only the last {@code capacity} tokens are kept.
     *
     * @param layer layer index
     * @param start sequence index of the first new token
     * @param k new keys {@code [B, kv_heads, T, head_dim]}
     * @param v new values {@code [B, kv_heads, T, head_dim]}
     */
    void write(int layer, int start, NDArray k, NDArray v) {
        int count = (int) k.getShape().get(2);
        int first = Math.max(0, count - capacity);
        // at most two contiguous runs of slots: up to the end of the buffer, then from its start
        int t = first;
        while (t < count) {
            int slot = (start + t) % capacity;
            int run = Math.min(count - t, capacity - slot);
            NDIndex target = new NDIndex(":, :, {}:{}", slot, slot + run);
            NDIndex source = new NDIndex(":, :, {}:{}", t, t + run);
            keys[layer].set(target, run == count ? k : k.get(source));
            values[layer].set(target, run == count ? v : v.get(source));
            t += run;
        }
    }

    /**
     * @param layer layer index
     * @param scope manager for the views, closed by the caller's step
     * @return {@code [keys, values]} over the slots in use, each {@code [B, kv_heads, S, head_dim]}
     */
    /**
     * Copies the whole of a one-sequence cache into one row of this cache, for a batch whose
     * rows were prefilled one at a time: the row's entries land at {@code offset} onwards, where
     * its left-padded prompt puts them. Does not advance this cache ({@link #advance} does).
     *
     * @param row the batch row to fill
     * @param offset the first slot of the row's real tokens
     * @param single a cache of batch 1 whose {@link #length()} entries all fit without wrapping
     */
    void copyRow(int row, int offset, KvCache single) {
        int count = single.length();
        if (single.batch != 1 || count > single.capacity || offset + count > capacity || row < 0 || row >= batch) {
            throw new IllegalArgumentException("cannot copy " + count + " entries of a batch-" + single.batch
                    + " cache into row " + row + " at slot " + offset + " of a " + batch + " x " + capacity + " cache");
        }
        // the padding slots before the row's tokens are masked, but masked means weight 0, and
        // 0 times uninitialised memory can be NaN: give them zeros
        NDIndex padding = new NDIndex().addSliceDim(row, row + 1L).addAllDim().addSliceDim(0, offset);
        NDIndex target = new NDIndex().addSliceDim(row, row + 1L).addAllDim().addSliceDim(offset, (long) offset + count);
        NDIndex source = new NDIndex().addAllDim().addAllDim().addSliceDim(0, count);
        for (int layer = 0; layer < keys.length; layer++) {
            if (offset > 0) {
                keys[layer].set(padding, 0f);
                values[layer].set(padding, 0f);
            }
            keys[layer].set(target, count == single.capacity ? single.keys[layer] : single.keys[layer].get(source));
            values[layer].set(target, count == single.capacity ? single.values[layer]
                    : single.values[layer].get(source));
        }
    }

    NDArray[] view(int layer, NDManager scope) {
        int used = usedSlots();
        if (used == capacity) {
            return new NDArray[] {keys[layer], values[layer]};
        }
        // the used prefix as a view: one split per tensor instead of an index that slices every axis
        long[] cut = {used};
        NDArray k = keys[layer].split(cut, 2).get(0);
        NDArray v = values[layer].split(cut, 2).get(0);
        k.attach(scope);
        v.attach(scope);
        return new NDArray[] {k, v};
    }

    /** @return {@code [B * S]}: the sequence index each slot in use holds, -1 for none */
    long[] slotIndices() {
        int used = usedSlots();
        if (used == capacity) {
            return slotIndex;
        }
        long[] out = new long[batch * used];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(slotIndex, b * capacity, out, b * used, used);
        }
        return out;
    }

    /** @return number of sequence indices written so far */
    public int length() {
        return written;
    }

    /** @return slots per row: the request length, or the sliding window if shorter */
    public int capacity() {
        return capacity;
    }

    private int usedSlots() {
        return Math.min(written, capacity);
    }

    /** Frees the cache; safe to call twice. */
    @Override
    public void close() {
        manager.close();
    }
}
