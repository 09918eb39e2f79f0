package ai.solo.impl.model;

import static ai.solo.impl.model.TinyModels.batch;
import static ai.solo.impl.model.TinyModels.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.Logits;
import ai.solo.ModelBatch;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.TensorType;
import ai.solo.impl.config.ConfigCodec;
import ai.solo.impl.io.DType;
import ai.solo.impl.io.SafetensorsCheckpoint;
import ai.solo.impl.io.SafetensorsFile;
import ai.solo.impl.io.SafetensorsWriter;
import ai.solo.impl.io.TensorData;
import ai.solo.impl.io.TensorEntry;
import ai.solo.impl.io.TensorConversions;
import ai.solo.impl.io.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DjlSoloModelTest {
    private static SoloConfig config;
    private static DjlSoloModel model;
    private static ModelBatch input;

    @TempDir
    Path dir;

    @BeforeAll
    static void create() {
        config = TinyModels.config().build();
        model = DjlSoloModel.create(config, 7, ModelOptions.defaults());
        input = batch(config, 12, 4, 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void logitsHaveBatchLengthVocabShapeAndAreFinite() {
        Logits logits = model.logits(input);

        assertThat(logits.seqLen()).isEqualTo(12);
        assertThat(logits.vocabSize()).isEqualTo(300);
        for (float v : logits.values()) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void sameSeedGivesSameWeightsAndOtherSeedOthers() {
        try (DjlSoloModel same = DjlSoloModel.create(config, 7, ModelOptions.defaults());
                DjlSoloModel other = DjlSoloModel.create(config, 8, ModelOptions.defaults())) {
            assertThat(same.logits(input).values()).containsExactly(model.logits(input).values());
            assertThat(maxAbsDiff(other.logits(input).values(), model.logits(input).values())).isGreaterThan(1e-4);
        }
    }

    @Test
    void imagePatchesChangeOnlyPositionsFromTheFirstPatchOn() {
        ModelBatch noImage = new ModelBatch(1, 12, input.inputIds(), new int[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1},
                new float[0], 0, input.attentionMask(), null);

        Logits with = model.logits(input);
        Logits without = model.logits(noImage);

        assertThat(maxAbsDiff(with.row(0, 1), without.row(0, 1))).isEqualTo(0.0);
        assertThat(maxAbsDiff(with.row(0, 2), without.row(0, 2))).isGreaterThan(1e-6);
    }

    @Test
    void slidingWindowLetsAQuerySeeExactlyTheLastWindowKeys() {
        // one layer, so a token's influence cannot travel further through later layers
        SoloConfig oneLayer = TinyModels.config().numHiddenLayers(1).slidingWindow(4).build();
        ModelBatch base = batch(oneLayer, 8, 0, 3);
        try (DjlSoloModel m = DjlSoloModel.create(oneLayer, 5, ModelOptions.defaults())) {
            Logits reference = m.logits(base);
            // position 4 sees keys 1..4 (4 - j < 4): changing token 0 must not move it, token 1 must
            assertThat(maxAbsDiff(m.logits(withToken(base, 0)).row(0, 4), reference.row(0, 4))).isEqualTo(0.0);
            assertThat(maxAbsDiff(m.logits(withToken(base, 1)).row(0, 4), reference.row(0, 4))).isGreaterThan(1e-6);
            assertThat(maxAbsDiff(m.logits(withToken(base, 0)).row(0, 3), reference.row(0, 3))).isGreaterThan(1e-6);
        }
    }

    private static ModelBatch withToken(ModelBatch b, int position) {
        int[] ids = b.inputIds().clone();
        ids[position] = (ids[position] + 1) % 300;
        return new ModelBatch(1, b.seqLen(), ids, b.patchIndices(), b.patches(), b.patchDim(), b.attentionMask(), null);
    }

    @Test
    void sequenceLongerThanMaxPositionsIsRefusedBeforeNativeWork() {
        SoloConfig shortContext = TinyModels.config().maxPositionEmbeddings(8).build();
        try (DjlSoloModel m = DjlSoloModel.create(shortContext, 5, ModelOptions.defaults())) {
            assertThatThrownBy(() -> m.logits(batch(shortContext, 9, 0, 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("max_position_embeddings (8)");
        }
    }

    @Test
    void closeWaitsForCallsInFlightAndLaterCallsFailCleanly() throws Exception {
        DjlSoloModel m = DjlSoloModel.create(config, 2, ModelOptions.defaults());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(pool.submit(() -> m.logits(input)));
            }
            Thread.sleep(5);
            m.close();
            for (java.util.concurrent.Future<?> call : calls) {
                try {
                    call.get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void explicitHeadDimAndOtherPatchSizesWork() {
        SoloConfig odd = TinyModels.config().headDim(16).numAttentionHeads(4).visionPatchSize(2).build();
        try (DjlSoloModel m = DjlSoloModel.create(odd, 3, ModelOptions.defaults())) {
            assertThat(m.logits(batch(odd, 9, 3, 2)).vocabSize()).isEqualTo(300);
        }
    }

    @Test
    void saveAndLoadGiveIdenticalLogitsAndKeepConfig() {
        model.save(dir);

        try (DjlSoloModel loaded = DjlSoloModel.load(dir, ModelOptions.defaults())) {
            assertThat(loaded.config()).isEqualTo(config);
            assertThat(loaded.logits(input).values()).containsExactly(model.logits(input).values());
        }
    }

    @Test
    void shardedSaveWritesIndexAndLoadsIdentically() throws Exception {
        model.save(dir, SaveOptions.defaults().withMaxShardBytes(20_000));

        assertThat(dir.resolve("model.safetensors.index.json")).exists();
        assertThat(dir.resolve("model.safetensors")).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count())
                    .isGreaterThan(1);
        }
        try (DjlSoloModel loaded = DjlSoloModel.load(dir, ModelOptions.defaults())) {
            assertThat(loaded.logits(input).values()).containsExactly(model.logits(input).values());
        }
    }

    @Test
    void bfloat16CheckpointIsConvertedOnLoad() throws Exception {
        model.save(dir, SaveOptions.defaults().withWeightType(TensorType.BF16));

        try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(st.info(TensorNames.LM_HEAD).dtype().name()).isEqualTo("BF16");
        }
        assertThat(ConfigCodec.read(dir.resolve("config.json")).torchDtype()).isEqualTo("bfloat16");
        try (DjlSoloModel loaded = DjlSoloModel.load(dir, ModelOptions.defaults())) {
            assertThat(loaded.weights().dataType().name()).isEqualTo("FLOAT32");
            // bf16 keeps 8 bits of mantissa: weights move by <= 2^-9 relative
            assertThat(maxAbsDiff(loaded.logits(input).values(), model.logits(input).values())).isLessThan(2e-2);
        }
    }

    @Test
    void float16CheckpointLoadsIntoFloat32AndFloat16Models() {
        model.save(dir, SaveOptions.defaults().withWeightType(TensorType.F16));

        try (DjlSoloModel f32 = DjlSoloModel.load(dir, ModelOptions.defaults());
                SoloModel f16 = DjlSoloModel.load(dir, ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
            float[] reference = model.logits(input).values();
            assertThat(maxAbsDiff(f32.logits(input).values(), reference)).isLessThan(5e-3);
            assertThat(maxAbsDiff(f16.logits(input).values(), reference)).isLessThan(5e-2);
        }
    }

    @Test
    void missingTensorNamesTheTensor() throws Exception {
        model.save(dir);
        rewriteWeights(dir, TensorNames.downProj(1), null);

        assertThatThrownBy(() -> DjlSoloModel.load(dir, ModelOptions.defaults()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(TensorNames.downProj(1));
    }

    @Test
    void wrongShapeNamesFileTensorAndBothShapes() throws Exception {
        model.save(dir);
        rewriteWeights(dir, TensorNames.EMBED_VISION_PATCH, new long[] {32, 47});

        assertThatThrownBy(() -> DjlSoloModel.load(dir, ModelOptions.defaults()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining(TensorNames.EMBED_VISION_PATCH)
                .hasMessageContaining("[32, 47]")
                .hasMessageContaining("[32, 48]");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"F32, NaN", "F32, Infinity", "F16, NaN", "F16, -Infinity", "BF16, NaN", "BF16, Infinity"})
    void nonFiniteWeightsAreRefusedNamingFileAndTensor(TensorType type, float value) throws Exception {
        model.save(dir, SaveOptions.defaults().withWeightType(type));
        String tensor = TensorNames.downProj(1);
        poison(dir.resolve("model.safetensors"), tensor, 5, value);

        assertThatThrownBy(() -> DjlSoloModel.load(dir, ModelOptions.defaults()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining(tensor)
                .hasMessageContaining(Float.isNaN(value) ? "NaN" : "infinite");
    }

    @Test
    void missingFolderAndMissingWeightsAreCheckpointErrors() throws Exception {
        assertThatThrownBy(() -> DjlSoloModel.load(dir.resolve("absent"), ModelOptions.defaults()))
                .isInstanceOf(CheckpointException.class);
        ConfigCodec.write(config, dir.resolve("config.json"));
        assertThatThrownBy(() -> DjlSoloModel.load(dir, ModelOptions.defaults()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void tokenOutsideVocabularyFailsBeforeNativeWork() {
        int[] ids = input.inputIds().clone();
        ids[5] = 300;
        ModelBatch bad = new ModelBatch(1, 12, ids, input.patchIndices(), input.patches(), input.patchDim(),
                input.attentionMask(), null);

        assertThatThrownBy(() -> model.logits(bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("inputIds[5] = 300");
    }

    @Test
    void patchesOfTheWrongSizeAreRefused() {
        ModelBatch bad = new ModelBatch(1, 3, new int[] {1, 2, 3}, new int[] {-1, 0, -1}, new float[12], 12,
                new int[] {1, 1, 1}, null);

        assertThatThrownBy(() -> model.logits(bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("patch size 4 needs 48");
    }

    @Test
    void repeatedForwardPassesDoNotGrowNativeMemory() {
        model.logits(input);
        int before = model.weights().manager().getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            model.logits(input);
        }
        assertThat(model.weights().manager().getManagedArrays()).hasSize(before);
    }

    @Test
    void concurrentForwardPassesGiveTheSequentialResults() throws Exception {
        ModelBatch[] inputs = new ModelBatch[8];
        float[][] expected = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = batch(config, 6 + i, i % 3, 100 + i);
            expected[i] = model.logits(inputs[i]).values();
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (ModelBatch b : inputs) {
                    futures.add(pool.submit(() -> model.logits(b).values()));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS))
                        .containsExactly(expected[i % inputs.length]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTwiceIsSafeAndUseAfterCloseIsAnError() {
        DjlSoloModel m = DjlSoloModel.create(config, 1, ModelOptions.defaults());
        m.close();
        m.close();
        assertThatThrownBy(() -> m.logits(input)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void unknownGpuIsAnEngineError() {
        assertThatThrownBy(() -> DjlSoloModel.create(config, 1, ModelOptions.defaults().withDevice("gpu:7")))
                .isInstanceOf(EngineException.class).hasMessageContaining("gpu:7");
    }

    @Test
    void largeFiniteWeightsWhoseFloat16SumOverflowsStillLoad() throws Exception {
        model.save(dir);
        float[] large = new float[config.hiddenSize()];
        Arrays.fill(large, 60_000f); // each fits float16; their float16 sum is far past 65504
        poison(dir.resolve("model.safetensors"), TensorNames.FINAL_NORM, 0, large);

        try (SoloModel f16 = DjlSoloModel.load(dir, ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
            assertThat(f16.config()).isEqualTo(config);
        }
    }

    /** Overwrites a tensor of a saved file from element {@code first} on, in the tensor's own dtype. */
    private static void poison(Path file, String name, int first, float... values) throws Exception {
        TensorInfo info;
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file.getParent())) {
            info = ckpt.info(name);
        }
        int size = info.dtype() == DType.F32 ? 4 : 2;
        ByteBuffer elements = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            switch (info.dtype()) {
                case F32 -> elements.putFloat(value);
                case F16 -> elements.putShort(TensorConversions.f32ToF16(value));
                case BF16 -> elements.putShort(TensorConversions.f32ToBf16(value));
                default -> throw new IllegalArgumentException(info.dtype().toString());
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(prefix, 0);
            long dataStart = 8 + prefix.getLong(0);
            ch.write(elements.flip(), dataStart + info.begin() + (long) first * size);
        }
    }

    /** Rewrites model.safetensors without {@code drop}, or with it reshaped to {@code newShape}. */
    private static void rewriteWeights(Path dir, String name, long[] newShape) throws Exception {
        Path file = dir.resolve("model.safetensors");
        List<TensorEntry> entries = new ArrayList<>();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            for (String n : ckpt.names()) {
                TensorInfo info = ckpt.info(n);
                if (n.equals(name) && newShape == null) {
                    continue;
                }
                long[] shape = n.equals(name) ? newShape : info.shape();
                long count = 1;
                for (long d : shape) {
                    count *= d;
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) (count * 4));
                ByteBuffer src = ckpt.data(n);
                src.limit(Math.min(src.limit(), bytes.capacity()));
                bytes.put(src).rewind();
                entries.add(new TensorEntry(n, info.dtype(), shape, TensorData.of(bytes)));
            }
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }
}
