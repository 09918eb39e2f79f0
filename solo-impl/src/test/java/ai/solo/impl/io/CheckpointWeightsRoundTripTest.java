package ai.solo.impl.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.solo.CheckpointException;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.TensorType;
import ai.solo.impl.config.ConfigCodec;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.TensorNames;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint the SDK writes reloads into engine memory with every weight bit-identical, and a
 * bf16 checkpoint (what SOLO-7B and Python training write) becomes exactly the bf16 values in a
 * float32 model and those values rounded to nearest even in a float16 model. The engine never
 * holds bfloat16 (DJL's PyTorch engine cannot), so these check the arrays the model computes with.
 */
class CheckpointWeightsRoundTripTest {
    private static final SoloConfig CONFIG = SoloConfig.builder().vocabSize(96).hiddenSize(16).intermediateSize(32)
            .numHiddenLayers(2).numAttentionHeads(2).numKeyValueHeads(1).visionPatchSize(4).build();

    @TempDir
    Path dir;

    @Test
    void float32WeightsReloadBitForBitFromOneFileAndFromShards() {
        Path single = dir.resolve("single");
        Path sharded = dir.resolve("sharded");
        try (DjlSoloModel original = DjlSoloModel.create(CONFIG, 3, ModelOptions.defaults())) {
            original.save(single);
            original.save(sharded, SaveOptions.defaults().withMaxShardBytes(4_000));
            assertThat(sharded.resolve(SafetensorsCheckpoint.INDEX_FILE)).exists();
            for (Path checkpoint : List.of(single, sharded)) {
                try (DjlSoloModel loaded = DjlSoloModel.load(checkpoint, ModelOptions.defaults())) {
                    assertSameWeights(loaded, original, DataType.FLOAT32);
                }
            }
        }
    }

    @Test
    void float16WeightsReloadBitForBitIntoFloat16AndWidenExactlyIntoFloat32() {
        Path f16 = dir.resolve("f16");
        ModelOptions half = ModelOptions.defaults().withPrecision(Precision.FLOAT16);
        try (DjlSoloModel original = DjlSoloModel.create(CONFIG, 4, half)) {
            original.save(f16, SaveOptions.defaults().withWeightType(TensorType.F16).withMaxShardBytes(2_000));
            try (DjlSoloModel loaded = DjlSoloModel.load(f16, half);
                    DjlSoloModel wide = DjlSoloModel.load(f16, ModelOptions.defaults())) {
                assertSameWeights(loaded, original, DataType.FLOAT16);
                for (Map.Entry<String, NDArray> e : original.weights().all().entrySet()) {
                    int[] bits = halves(e.getValue());
                    int[] widened = floatBits(wide.weights().get(e.getKey()));
                    for (int i = 0; i < bits.length; i++) {
                        assertThat(widened[i]).as("%s[%d]", e.getKey(), i)
                                .isEqualTo(Float.floatToRawIntBits(TensorConversions.f16ToF32((short) bits[i])));
                    }
                }
            }
        }
    }

    @Test
    void bf16CheckpointBecomesExactFloat32AndNearestEvenFloat16Weights() {
        Map<String, int[]> bf16 = writeBf16Checkpoint(dir, 17);

        try (DjlSoloModel full = DjlSoloModel.load(dir, ModelOptions.defaults());
                DjlSoloModel half = DjlSoloModel.load(dir, ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
            assertThat(full.weights().dataType()).isEqualTo(DataType.FLOAT32);
            assertThat(half.weights().dataType()).isEqualTo(DataType.FLOAT16);
            int inexact = 0;
            for (Map.Entry<String, int[]> e : bf16.entrySet()) {
                int[] stored = e.getValue();
                int[] f32 = floatBits(full.weights().get(e.getKey()));
                int[] f16 = halves(half.weights().get(e.getKey()));
                for (int i = 0; i < stored.length; i++) {
                    float value = TensorConversions.bf16ToF32((short) stored[i]);
                    assertThat(f32[i]).as("%s[%d] in float32", e.getKey(), i).isEqualTo(stored[i] << 16);
                    int expected = TensorConversions.f32ToF16(value) & 0xFFFF;
                    assertThat(f16[i]).as("%s[%d] = %s in float16", e.getKey(), i, value).isEqualTo(expected);
                    if (TensorConversions.f16ToF32((short) expected) != value) {
                        inexact++;
                    }
                }
            }
            assertThat(inexact).as("planted values that float16 must round").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void bf16ValuesBeyondFloat16AreRefusedInFloat16AndKeptInFloat32() {
        writeBf16Checkpoint(dir, 18, 65536f, -0x1p100f);

        assertThatThrownBy(() -> DjlSoloModel.load(dir, ModelOptions.defaults().withPrecision(Precision.FLOAT16)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(TensorNames.downProj(0))
                .hasMessageContaining("beyond float16's range")
                .hasMessageContaining("load it in FLOAT32");
        try (DjlSoloModel full = DjlSoloModel.load(dir, ModelOptions.defaults())) {
            assertThat(full.weights().get(TensorNames.downProj(0)).getFloat(0, 14)).as("after the 14 rounding cases").isEqualTo(65536f);
        }
    }

    /**
     * Writes config.json and a sharded bf16 checkpoint of {@link #CONFIG} with random weights and,
     * at the start of the first down_proj, values float16 has to round (ties to even included),
     * followed by {@code beyondFloat16}.
     *
     * @return every tensor's bf16 bit patterns by name
     */
    static Map<String, int[]> writeBf16Checkpoint(Path dir, long seed, float... beyondFloat16) {
        float[] edges = {1f, -2f, 65280f, -65280f, 0x1p-14f, 0x1p-24f, 0x1.8p-24f, 0x1.4p-23f, 0x1p-25f, -0x1p-25f,
            0x1.02p-25f, 0x1p-18f + 0x1p-25f, 0x1p-33f, -0f};
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, int[]> out = new LinkedHashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        TensorNames.expectedShapes(CONFIG).forEach((name, shape) -> {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            int[] bits = new int[n];
            for (int i = 0; i < n; i++) {
                double v = shape.length == 1 ? 1 + 0.1 * random.nextGaussian() : 0.05 * random.nextGaussian();
                bits[i] = Float.floatToRawIntBits((float) v) >>> 16;
            }
            if (name.equals(TensorNames.downProj(0))) {
                for (int i = 0; i < edges.length; i++) {
                    bits[i] = Float.floatToRawIntBits(edges[i]) >>> 16;
                }
                for (int i = 0; i < beyondFloat16.length; i++) {
                    bits[edges.length + i] = Float.floatToRawIntBits(beyondFloat16[i]) >>> 16;
                }
            }
            ByteBuffer bytes = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
            Arrays.stream(bits).forEach(b -> bytes.putShort((short) b));
            entries.add(TensorEntry.of(name, DType.BF16, shape, bytes.flip()));
            out.put(name, bits);
        });
        ShardedWriter.writeCheckpoint(dir, entries, 3_000, Map.of());
        ConfigCodec.write(CONFIG.toBuilder().torchDtype("bfloat16").build(), dir.resolve("config.json"));
        return out;
    }

    private static void assertSameWeights(DjlSoloModel actual, DjlSoloModel expected, DataType type) {
        assertThat(actual.weights().all().keySet()).containsExactlyElementsOf(expected.weights().all().keySet());
        for (Map.Entry<String, NDArray> e : expected.weights().all().entrySet()) {
            NDArray a = actual.weights().get(e.getKey());
            assertThat(a.getDataType()).as(e.getKey()).isEqualTo(type);
            assertThat(a.getShape()).as(e.getKey()).isEqualTo(e.getValue().getShape());
            assertThat(bytes(a)).as("%s: every bit", e.getKey()).isEqualTo(bytes(e.getValue()));
        }
    }

    private static byte[] bytes(NDArray a) {
        ByteBuffer b = a.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static int[] halves(NDArray a) {
        assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
        ByteBuffer b = a.toByteBuffer().order(ByteOrder.nativeOrder());
        int[] out = new int[b.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getShort(2 * i) & 0xFFFF;
        }
        return out;
    }

    private static int[] floatBits(NDArray a) {
        assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
        ByteBuffer b = a.toByteBuffer().order(ByteOrder.nativeOrder());
        int[] out = new int[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(4 * i);
        }
        return out;
    }
}
