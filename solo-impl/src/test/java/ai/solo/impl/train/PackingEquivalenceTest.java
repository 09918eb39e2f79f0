package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packing several examples into one row with block-diagonal attention and restarting positions
 * must give each example exactly the loss and gradients it gives alone.
 */
class PackingEquivalenceTest {
    private static final VisionTokens TOKENS = new VisionTokens(290, 291, 292, 293, 294);
    private static DjlSoloModel model;
    private static List<TokenSequence> examples;

    @BeforeAll
    static void create() {
        SoloConfig config = SoloConfig.builder().vocabSize(300).hiddenSize(32).intermediateSize(64)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2).visionPatchSize(4).build();
        model = DjlSoloModel.create(config, 11, ModelOptions.defaults());
        SplittableRandom r = new SplittableRandom(5);
        examples = List.of(example(r, 0, 9), example(r, 2, 5), example(r, 1, 12));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static TokenSequence example(SplittableRandom r, int imageRows, int textTokens) {
        return GradientProbe.example(r, imageRows, textTokens);
    }

    @Test
    void packedRowGivesEachExampleItsOwnLossAndGradients() {
        List<List<TokenSequence>> packed = List.of(examples);
        int length = examples.stream().mapToInt(TokenSequence::length).sum() + 3; // with trailing padding
        Result together = lossAndGradients(List.of(Packer.batch(packed, length)));
        List<PackedBatch> alone = new ArrayList<>();
        for (TokenSequence e : examples) {
            alone.add(Packer.batch(List.of(List.of(e)), e.length()));
        }
        Result separately = lossAndGradients(alone);

        assertThat(together.loss).isCloseTo(separately.loss, org.assertj.core.data.Offset.offset(1e-4));
        for (String name : List.of("model.embed_vision_patch.weight", "model.layers.0.self_attn.q_proj.weight",
                "model.layers.1.mlp.down_proj.weight", "lm_head.weight")) {
            float[] a = together.gradients.get(name);
            float[] b = separately.gradients.get(name);
            double max = 0;
            double scale = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
                scale = Math.max(scale, Math.abs(b[i]));
            }
            assertThat(scale).as(name + " has a gradient").isGreaterThan(0);
            assertThat(max).as(name).isLessThan(1e-4 * Math.max(1, scale));
        }
    }

    @Test
    void segmentsAndPositionsRestartPerExampleAndLastTokensPredictNothing() {
        PackedBatch b = Packer.batch(List.of(examples), 50);

        assertThat(b.batch().segmentIds()).startsWith(new int[examples.get(0).length()]);
        assertThat(b.batch().positionIds()[examples.get(0).length()]).isZero();
        // the last token of the first example must not be trained to predict the second's <s>
        assertThat(b.labels()[examples.get(0).length() - 1]).isEqualTo(-1);
        assertThat(b.batch().attentionMask()[49]).isZero();
    }

    private record Result(double loss, Map<String, float[]> gradients) {
    }

    private static Result lossAndGradients(List<PackedBatch> batches) {
        for (NDArray p : model.weights().all().values()) {
            p.setRequiresGradient(true);
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double loss = 0;
            try (GradientCollector collector = Engine.getEngine(Engines.PYTORCH).newGradientCollector()) {
                for (PackedBatch b : batches) {
                    try (NDManager m = model.weights().manager().newSubManager()) {
                        NDArray nll = CausalLmLoss.sum(model.transformer(), b, m);
                        collector.backward(nll);
                        loss += nll.getFloat();
                    }
                }
            }
            Map<String, float[]> grads = new java.util.HashMap<>();
            for (Map.Entry<String, NDArray> e : model.weights().all().entrySet()) {
                grads.put(e.getKey(), e.getValue().getGradient().toFloatArray());
            }
            // gradients accumulate across backward passes: clear them for the next computation
            Engines.withoutGradient(() -> model.weights().all().values().forEach(p -> {
                NDArray g = p.getGradient();
                g.subi(g);
            }));
            return new Result(loss, grads);
        } finally {
            for (NDArray p : model.weights().all().values()) {
                p.setRequiresGradient(false);
            }
        }
    }
}
