package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.CheckpointException;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.TensorType;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import ai.solo.tests.HfCheckpointFiles.RawTensor;
import ai.solo.text.SoloTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints stay in Hugging Face layout (SPEC §1) both ways: what {@link SoloModel#save} writes
 * is checked against the format with an independent reader and reloads tensor for tensor, bit for
 * bit; a folder laid out as Python's transformers writes one (bf16, sharded) loads and saves back
 * without changing a bit. See docs/CHECKPOINTS.md.
 */
class CheckpointRoundTripTest {
    /** A tiny shape whose tensors all differ in size; 8-pixel patches keep the patch embedding small. */
    private static final SoloConfig CONFIG = SoloConfig.builder().vocabSize(320).hiddenSize(32).intermediateSize(64)
            .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2).visionPatchSize(8).build();
    /** Small enough that every dtype needs several shards (the embeddings are 20-40 KB). */
    private static final long SHARD_BYTES = 30_000;

    @TempDir
    Path dir;

    static Stream<Arguments> saveOptions() {
        SaveOptions f32 = SaveOptions.defaults();
        SaveOptions f16 = f32.withWeightType(TensorType.F16);
        SaveOptions bf16 = f32.withWeightType(TensorType.BF16);
        return Stream.of(
                Arguments.of("float32, one file", f32),
                Arguments.of("float32, sharded", f32.withMaxShardBytes(SHARD_BYTES)),
                Arguments.of("float16, one file", f16),
                Arguments.of("float16, sharded", f16.withMaxShardBytes(SHARD_BYTES)),
                Arguments.of("bfloat16, one file", bf16),
                Arguments.of("bfloat16, sharded", bf16.withMaxShardBytes(SHARD_BYTES)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("saveOptions")
    void savedCheckpointIsHuggingFaceLayoutAndReloadsBitForBit(String label, SaveOptions options) {
        Path reference = dir.resolve("reference-f32");
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        try (SoloModel model = SoloModel.create(CONFIG, 11)) {
            model.save(reference);
            model.save(first, options);
        }

        // the folder is what transformers' save_pretrained writes, checked with our own parser
        boolean sharded = options.maxShardBytes() != Long.MAX_VALUE;
        assertThat(first.resolve(HfCheckpointFiles.SINGLE).toFile().exists()).isEqualTo(!sharded);
        assertThat(first.resolve(HfCheckpointFiles.INDEX).toFile().exists()).isEqualTo(sharded);
        Map<String, RawTensor> saved = HfCheckpointFiles.readFolder(first);
        assertSpecTensors(saved, CONFIG, options.weightType().name());
        for (Path file : weightFiles(first)) {
            assertThat(HfCheckpointFiles.readFile(file).metadata()).as("%s metadata", file).containsEntry("format", "pt");
        }
        if (sharded) {
            assertThat(weightFiles(first)).hasSizeGreaterThan(1);
            JsonNode index = HfCheckpointFiles.readJson(first.resolve(HfCheckpointFiles.INDEX));
            assertThat(index.at("/metadata/total_size").asLong())
                    .isEqualTo(saved.values().stream().mapToLong(t -> t.data().length).sum());
            List<String> keys = List.copyOf(HfCheckpointFiles.weightMap(first).keySet());
            assertThat(keys).as("weight_map keys are sorted, as transformers writes them").isSorted();
        }
        JsonNode config = HfCheckpointFiles.readJson(first.resolve("config.json"));
        assertThat(config.get("torch_dtype").asText()).isEqualTo(torchDtype(options.weightType()));
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("SoloForCausalLM");
        assertThat(config.get("model_type").asText()).isEqualTo("mistral");
        assertThat(config.get("vision_patch_size").asInt()).isEqualTo(8);

        // what is stored is the model's float32 weights in the requested type, rounded to nearest even
        Map<String, RawTensor> weights = HfCheckpointFiles.readFolder(reference);
        for (Map.Entry<String, RawTensor> e : saved.entrySet()) {
            assertStoredAs(e.getKey(), weights.get(e.getKey()), e.getValue());
        }

        // the public reader sees exactly those bytes
        for (Path file : weightFiles(first)) {
            Map<String, Tensor> read = TensorFiles.read(file);
            HfCheckpointFiles.readFile(file).tensors().forEach((name, raw) -> {
                Tensor t = read.get(name);
                assertThat(t.type().name()).as(name).isEqualTo(raw.dtype());
                assertThat(t.shape()).as(name).isEqualTo(raw.shape());
                assertThat(t.data()).as(name).isEqualTo(raw.data());
            });
        }

        // reload and save again: every file comes back byte for byte
        try (SoloModel reloaded = SoloModel.load(first)) {
            assertThat(reloaded.config()).isEqualTo(CONFIG.toBuilder().torchDtype(torchDtype(options.weightType())).build());
            reloaded.save(second, options);
        }
        assertSameTensors(HfCheckpointFiles.readFolder(second), saved);
        assertSameFiles(second, first);

        if (options.weightType() == TensorType.F16) {
            // float16 weights also survive a float16 model unchanged
            Path third = dir.resolve("third");
            try (SoloModel half = SoloModel.load(first, ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
                half.save(third, options);
            }
            assertSameFiles(third, first);
        }
    }

    @Test
    void pythonWrittenBf16ShardedCheckpointLoadsAndSavesBackExactly() throws IOException {
        // given a folder as transformers' save_pretrained writes a bf16 SOLO model: config.json with
        // Python's extra keys, three shards plus index, tokenizer files
        SoloConfig shape = SoloConfig.builder().vocabSize(TinySolo.VOCAB).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(2).numAttentionHeads(2).numKeyValueHeads(1).visionPatchSize(8).build();
        Path foreign = Files.createDirectories(dir.resolve("python-checkpoint"));
        ObjectNode pythonConfig = pythonConfig(shape);
        HfCheckpointFiles.writeJson(foreign.resolve("config.json"), pythonConfig);
        Map<String, RawTensor> stateDict = bf16StateDict(shape, 5);
        assertThat(HfCheckpointFiles.writeShardedFolder(foreign, stateDict, 600_000)).isEqualTo(3);
        Files.copy(Fixtures.mistralTokenizer().resolve("tokenizer.json"), foreign.resolve("tokenizer.json"));
        Files.copy(Fixtures.mistralTokenizer().resolve("tokenizer_config.json"), foreign.resolve("tokenizer_config.json"));

        // loaded in float32: bf16 widens exactly, so saving as bf16 gives back the very same bits
        Path asBf16 = dir.resolve("as-bf16");
        Path asF32 = dir.resolve("as-f32");
        try (SoloModel model = SoloModel.load(foreign)) {
            assertThat(model.config().hiddenSize()).isEqualTo(16);
            assertThat(model.config().torchDtype()).isEqualTo("bfloat16");
            assertThat(model.tokenizer()).isPresent();
            model.save(asBf16, SaveOptions.defaults().withWeightType(TensorType.BF16).withMaxShardBytes(600_000));
            model.save(asF32);
        }
        assertSameTensors(HfCheckpointFiles.readFolder(asBf16), stateDict);
        Map<String, RawTensor> f32 = HfCheckpointFiles.readFolder(asF32);
        assertSpecTensors(f32, shape, "F32");
        for (Map.Entry<String, RawTensor> e : stateDict.entrySet()) {
            int[] bf16 = e.getValue().halves();
            int[] widened = f32.get(e.getKey()).floatBits();
            for (int i = 0; i < bf16.length; i++) {
                assertThat(widened[i]).as("%s[%d]", e.getKey(), i).isEqualTo(bf16[i] << 16);
            }
        }

        // config.json keeps every key Python wrote, with its value (torch_dtype follows the saved type)
        JsonNode savedConfig = HfCheckpointFiles.readJson(asBf16.resolve("config.json"));
        pythonConfig.fields().forEachRemaining(e -> assertThat(sameJson(savedConfig.get(e.getKey()), e.getValue()))
                .as("config.json %s: saved %s, Python wrote %s", e.getKey(), savedConfig.get(e.getKey()), e.getValue())
                .isTrue());
        // and the tokenizer travels with the weights
        try (SoloTokenizer tokenizer = SoloTokenizer.load(asBf16)) {
            assertThat(tokenizer.vocabSize()).isEqualTo(TinySolo.VOCAB);
            assertThat(tokenizer.encode("This is a")).containsExactly(851, 349, 264);
            assertThat(tokenizer.visionTokens().vision()).isEqualTo(32000);
        }
        try (SoloModel again = SoloModel.load(asBf16)) {
            assertThat(again.config()).isEqualTo(shape.toBuilder().torchDtype("bfloat16")
                    .extra("_name_or_path", "data/ckpts/SFT/final.pt").extra("attention_dropout", 0.0)
                    .extra("transformers_version", "4.39.0.dev0").extra("use_cache", true).build());
        }
    }

    @Test
    void bf16CheckpointLoadsExactIntoFloat32AndRoundedToNearestEvenIntoFloat16() throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("bf16"));
        Map<String, RawTensor> stateDict = writeBf16Folder(foreign);

        Path halfAsF16 = dir.resolve("half-f16");
        Path halfAsF32 = dir.resolve("half-f32");
        Path fullAsF32 = dir.resolve("full-f32");
        try (SoloModel half = SoloModel.load(foreign, ModelOptions.defaults().withPrecision(Precision.FLOAT16));
                SoloModel full = SoloModel.load(foreign)) {
            half.save(halfAsF16, SaveOptions.defaults().withWeightType(TensorType.F16)); // the float16 weights as held
            half.save(halfAsF32);
            full.save(fullAsF32);
        }
        Map<String, RawTensor> f16 = HfCheckpointFiles.readFolder(halfAsF16);
        Map<String, RawTensor> widenedHalf = HfCheckpointFiles.readFolder(halfAsF32);
        Map<String, RawTensor> widenedFull = HfCheckpointFiles.readFolder(fullAsF32);
        int rounded = 0;
        for (Map.Entry<String, RawTensor> e : stateDict.entrySet()) {
            String name = e.getKey();
            float[] bf16 = new Tensor(TensorType.BF16, e.getValue().shape(), e.getValue().data()).toFloats();
            float[] half = new Tensor(TensorType.F16, f16.get(name).shape(), f16.get(name).data()).toFloats();
            float[] halfWide = toFloats(widenedHalf.get(name));
            float[] fullWide = toFloats(widenedFull.get(name));
            for (int i = 0; i < bf16.length; i++) {
                float expected = roundToFloat16(bf16[i]);
                assertThat(Float.floatToRawIntBits(half[i])).as("%s[%d]: bf16 %s in float16", name, i, bf16[i])
                        .isEqualTo(Float.floatToRawIntBits(expected));
                assertThat(Float.floatToRawIntBits(halfWide[i])).as("%s[%d] float16 model saved as float32", name, i)
                        .isEqualTo(Float.floatToRawIntBits(expected));
                assertThat(Float.floatToRawIntBits(fullWide[i])).as("%s[%d] float32 model", name, i)
                        .isEqualTo(Float.floatToRawIntBits(bf16[i]));
                if (expected != bf16[i]) {
                    rounded++;
                }
            }
        }
        // the planted edge values do change in float16: tiny magnitudes round
        assertThat(rounded).isGreaterThanOrEqualTo(6);
    }

    @Test
    void bf16WeightsBeyondFloat16AreRefusedInAFloat16ModelAndLoadInFloat32() throws IOException {
        Path foreign = Files.createDirectories(dir.resolve("bf16-huge"));
        Map<String, RawTensor> stateDict = writeBf16Folder(foreign);
        // bf16 reaches far beyond float16's 65504: in a float16 model these would be infinite
        String up = "model.layers.0.mlp.up_proj.weight";
        int[] upBits = stateDict.get(up).halves();
        upBits[0] = Float.floatToRawIntBits(65536f) >>> 16;
        upBits[1] = Float.floatToRawIntBits(-0x1p100f) >>> 16;
        stateDict.put(up, RawTensor.ofHalves("BF16", stateDict.get(up).shape(), upBits));
        HfCheckpointFiles.writeFile(foreign.resolve(HfCheckpointFiles.SINGLE), stateDict);

        assertThatThrownBy(() -> SoloModel.load(foreign, ModelOptions.defaults().withPrecision(Precision.FLOAT16)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(up)
                .hasMessageContaining("beyond float16's range").hasMessageContaining("load it in FLOAT32");
        Path saved = dir.resolve("huge-f32");
        try (SoloModel full = SoloModel.load(foreign)) {
            full.save(saved);
        }
        RawTensor kept = HfCheckpointFiles.readFolder(saved).get(up);
        float[] values = toFloats(kept);
        assertThat(values[0]).as("float32 keeps what float16 cannot").isEqualTo(65536f);
        assertThat(values[1]).isEqualTo(-0x1p100f);
    }

    // ---------------------------------------------------------------------------------------------

    /** SPEC §1 tensor names and shapes in SOLO's state-dict order (Python module order). */
    static Map<String, long[]> specShapes(SoloConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headDim();
        long kv = (long) c.numKeyValueHeads() * c.headDim();
        long ffn = c.intermediateSize();
        long v = c.vocabSize();
        long p = c.visionPatchSize();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", new long[] {v, h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = "model.layers." + i + ".";
            out.put(l + "self_attn.q_proj.weight", new long[] {q, h});
            out.put(l + "self_attn.k_proj.weight", new long[] {kv, h});
            out.put(l + "self_attn.v_proj.weight", new long[] {kv, h});
            out.put(l + "self_attn.o_proj.weight", new long[] {h, q});
            out.put(l + "mlp.gate_proj.weight", new long[] {ffn, h});
            out.put(l + "mlp.up_proj.weight", new long[] {ffn, h});
            out.put(l + "mlp.down_proj.weight", new long[] {h, ffn});
            out.put(l + "input_layernorm.weight", new long[] {h});
            out.put(l + "post_attention_layernorm.weight", new long[] {h});
        }
        out.put("model.norm.weight", new long[] {h});
        out.put("model.embed_vision_patch.weight", new long[] {h, 3 * p * p});
        out.put("lm_head.weight", new long[] {v, h});
        return out;
    }

    static void assertSpecTensors(Map<String, RawTensor> tensors, SoloConfig config, String dtype) {
        Map<String, long[]> spec = specShapes(config);
        assertThat(tensors.keySet()).containsExactlyInAnyOrderElementsOf(spec.keySet());
        spec.forEach((name, shape) -> {
            assertThat(tensors.get(name).shape()).as("%s shape", name).isEqualTo(shape);
            assertThat(tensors.get(name).dtype()).as("%s dtype", name).isEqualTo(dtype);
        });
    }

    static void assertSameTensors(Map<String, RawTensor> actual, Map<String, RawTensor> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((name, t) -> {
            RawTensor a = actual.get(name);
            assertThat(a.dtype()).as("%s dtype", name).isEqualTo(t.dtype());
            assertThat(a.shape()).as("%s shape", name).isEqualTo(t.shape());
            assertThat(Arrays.equals(a.data(), t.data())).as("%s: every byte identical", name).isTrue();
        });
    }

    /** Every file of {@code expected} (top level) is in {@code actual} with the same bytes, and no other. */
    static void assertSameFiles(Path actual, Path expected) {
        Map<String, byte[]> a = files(actual);
        Map<String, byte[]> e = files(expected);
        assertThat(a.keySet()).isEqualTo(e.keySet());
        e.forEach((name, bytes) -> assertThat(Arrays.equals(a.get(name), bytes)).as("%s identical", name).isTrue());
    }

    static List<Path> weightFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> files(Path dir) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile)
                    .forEach(f -> out.put(f.getFileName().toString(), HfCheckpointFiles.readAll(f)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Checks a saved tensor against the model's float32 weights rounded to its dtype. */
    private static void assertStoredAs(String name, RawTensor weights, RawTensor stored) {
        float[] exact = toFloats(weights);
        float[] values = new Tensor(TensorType.valueOf(stored.dtype()), stored.shape(), stored.data()).toFloats();
        for (int i = 0; i < exact.length; i++) {
            float expected = switch (stored.dtype()) {
                case "F32" -> exact[i];
                case "F16" -> roundToFloat16(exact[i]);
                case "BF16" -> roundToBfloat16(exact[i]);
                default -> throw new AssertionError(stored.dtype());
            };
            assertThat(Float.floatToRawIntBits(values[i])).as("%s[%d] = %s stored as %s", name, i, exact[i], stored.dtype())
                    .isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    /** @return the {@code torch_dtype} transformers writes for weights of this type */
    private static String torchDtype(TensorType type) {
        return switch (type) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new AssertionError(type);
        };
    }

    /**
     * Writes a one-layer bf16 checkpoint as Python saves it (config.json and model.safetensors).
     *
     * @return its state dict, by tensor name
     */
    private static Map<String, RawTensor> writeBf16Folder(Path folder) throws IOException {
        SoloConfig shape = SoloConfig.builder().vocabSize(64).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(1).numAttentionHeads(2).numKeyValueHeads(1).visionPatchSize(4).build();
        HfCheckpointFiles.writeJson(folder.resolve("config.json"), pythonConfig(shape));
        Map<String, RawTensor> stateDict = bf16StateDict(shape, 9);
        HfCheckpointFiles.writeFile(folder.resolve(HfCheckpointFiles.SINGLE), stateDict);
        return stateDict;
    }

    private static float[] toFloats(RawTensor t) {
        return new Tensor(TensorType.valueOf(t.dtype()), t.shape(), t.data()).toFloats();
    }

    /**
     * IEEE half rounding, computed in double: keep 11 significant bits (fewer below 2^-14, where
     * the step is 2^-24), ties to even ({@link Math#rint}); past the largest half, 65504, infinity.
     */
    static float roundToFloat16(float x) {
        double step = Math.abs(x) < 0x1p-14 ? 0x1p-24 : Math.scalb(1.0, Math.getExponent(x) - 10);
        double rounded = Math.rint(Math.abs(x) / step) * step;
        return (float) Math.copySign(rounded > 65504 ? Double.POSITIVE_INFINITY : rounded, x);
    }

    /** bfloat16 rounding in double: 8 significant bits, ties to even; for normal floats. */
    static float roundToBfloat16(float x) {
        double step = Math.scalb(1.0, Math.getExponent(x) - 7);
        return (float) Math.copySign(Math.rint(Math.abs(x) / step) * step, x);
    }

    /** config.json as transformers' save_pretrained writes a SOLO model: sorted keys, Python's extras. */
    static ObjectNode pythonConfig(SoloConfig c) {
        ObjectNode n = HfCheckpointFiles.newObject();
        n.put("_name_or_path", "data/ckpts/SFT/final.pt");
        n.putArray("architectures").add("SoloForCausalLM");
        n.put("attention_dropout", 0.0);
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.hiddenSize());
        n.put("initializer_range", 0.02);
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", 32768);
        n.put("model_type", "mistral");
        n.put("num_attention_heads", c.numAttentionHeads());
        n.put("num_hidden_layers", c.numHiddenLayers());
        n.put("num_key_value_heads", c.numKeyValueHeads());
        n.put("rms_norm_eps", 1e-05);
        n.put("rope_theta", 10000.0);
        n.put("sliding_window", 4096);
        n.put("tie_word_embeddings", false);
        n.put("torch_dtype", "bfloat16");
        n.put("transformers_version", "4.39.0.dev0");
        n.put("use_cache", true);
        n.put("vision_patch_size", c.visionPatchSize());
        n.put("vocab_size", c.vocabSize());
        return n;
    }

    /**
     * Random bf16 weights for every SPEC tensor, in state-dict order: linear weights about
     * N(0, 0.05), norms about 1. The first down_proj also holds edge values: ±1, ±2, ±65280 (the
     * largest bf16 below float16's maximum), 2^-14, and tiny values that float16 can only round
     * (ties to even at 0.5 and 1.5 steps of 2^-24, 2^-18 + 2^-25, 2^-33).
     */
    static Map<String, RawTensor> bf16StateDict(SoloConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] edges = {1f, -2f, 65280f, -65280f, 0x1p-14f, 0x1p-24f, 0x1.8p-24f, 0x1.4p-23f, 0x1p-25f,
            -0x1p-25f, 0x1.02p-25f, 0x1p-18f + 0x1p-25f, -(0x1p-18f + 0x1p-25f), 0x1p-33f, 0f, -0f};
        Map<String, RawTensor> out = new LinkedHashMap<>();
        specShapes(config).forEach((name, shape) -> {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            int[] bits = new int[n];
            boolean norm = shape.length == 1;
            for (int i = 0; i < n; i++) {
                float value = (float) (norm ? 1 + 0.1 * random.nextGaussian() : 0.05 * random.nextGaussian());
                bits[i] = Float.floatToRawIntBits(value) >>> 16; // any bf16 value will do
            }
            if (name.equals("model.layers.0.mlp.down_proj.weight")) {
                for (int i = 0; i < edges.length; i++) {
                    int b = Float.floatToRawIntBits(edges[i]);
                    assertThat(b & 0xFFFF).as("edge value %s is a bf16 value", edges[i]).isZero();
                    bits[i] = b >>> 16;
                }
            }
            out.put(name, RawTensor.ofHalves("BF16", shape, bits));
        });
        return out;
    }

    private static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.doubleValue() == b.doubleValue();
        }
        return a.equals(b);
    }
}
