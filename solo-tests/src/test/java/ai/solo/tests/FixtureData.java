package ai.solo.tests;

import ai.solo.ModelBatch;
import ai.solo.impl.io.SafetensorsFile;
import ai.solo.impl.io.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The golden tensors of {@code shared/fixtures/solo-tiny/expected.safetensors}, read with the
 * SDK's own safetensors reader: the reference implementation's inputs and outputs.
 */
final class FixtureData {
    final int[] inputIds; // [T]
    final int[] patchIndices; // [T], -1 = text
    final float[] patches; // [12, 3072]
    final float[] logits; // [T, 1031]
    final int[] greedyTokens; // [12]
    final int length;
    final int vocab;

    private FixtureData(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            inputIds = ints(st, "input_ids");
            patchIndices = ints(st, "vision_patch_indices");
            patches = floats(st, "vision_patches");
            logits = floats(st, "logits");
            greedyTokens = ints(st, "greedy_tokens");
            length = inputIds.length;
            long[] shape = st.info("logits").shape();
            vocab = (int) shape[2];
        }
    }

    static FixtureData load() {
        return new FixtureData(Fixtures.soloTiny().resolve("expected.safetensors"));
    }

    /** @return the fixture's inputs as one sequence */
    ModelBatch batch() {
        int[] mask = new int[length];
        java.util.Arrays.fill(mask, 1);
        return new ModelBatch(1, length, inputIds, patchIndices, patches, 3072, mask, null);
    }

    private static int[] ints(SafetensorsFile st, String name) {
        TensorInfo info = st.info(name);
        ByteBuffer b = st.data(name).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) info.elementCount();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.toIntExact(b.getLong(i * 8));
        }
        return out;
    }

    private static float[] floats(SafetensorsFile st, String name) {
        TensorInfo info = st.info(name);
        ByteBuffer b = st.data(name).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) info.elementCount()];
        b.asFloatBuffer().get(out);
        return out;
    }
}
