package ai.solo.tests;

import ai.solo.ModelBatch;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The golden tensors of {@code shared/fixtures/solo-tiny/expected.safetensors}: the reference
 * implementation's inputs and outputs, read through the public {@link TensorFiles} API.
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
        Map<String, Tensor> t = TensorFiles.read(file);
        inputIds = t.get("input_ids").toInts();
        patchIndices = t.get("vision_patch_indices").toInts();
        patches = t.get("vision_patches").toFloats();
        logits = t.get("logits").toFloats();
        greedyTokens = t.get("greedy_tokens").toInts();
        length = inputIds.length;
        vocab = (int) t.get("logits").shape()[2];
    }

    static FixtureData load() {
        return new FixtureData(Fixtures.soloTiny().resolve("expected.safetensors"));
    }

    /** @return the fixture's inputs as one sequence */
    ModelBatch batch() {
        int[] mask = new int[length];
        Arrays.fill(mask, 1);
        return new ModelBatch(1, length, inputIds, patchIndices, patches, 3072, mask, null);
    }
}
