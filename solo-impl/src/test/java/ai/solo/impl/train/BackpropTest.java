package ai.solo.impl.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.solo.ModelOptions;
import ai.solo.impl.model.DjlSoloModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Activation checkpointing must give the same loss and gradients as keeping every activation. */
class BackpropTest {
    private static DjlSoloModel model;
    private static Replica replica;

    @BeforeAll
    static void create() {
        model = GradientProbe.model(GradientProbe.config().build(), 3, ModelOptions.defaults());
        replica = Replica.of(model);
        replica.train(model.weights().all().keySet());
    }

    @AfterAll
    static void close() {
        replica.close();
        model.close();
    }

    @Test
    void checkpointedBackwardGivesTheSameLossAndGradients() {
        PackedBatch batch = GradientProbe.packedRows(7, 60);
        Run full = run(batch, Backprop.FULL);
        Run checkpointed = run(batch, Backprop.CHECKPOINTED);

        assertThat(checkpointed.loss).isCloseTo(full.loss, org.assertj.core.data.Offset.offset(1e-5 * full.loss));
        assertThat(full.gradients).containsKeys("model.embed_vision_patch.weight", "model.embed_tokens.weight",
                "model.layers.0.self_attn.q_proj.weight", "lm_head.weight");
        assertThat(full.gradients.get("model.layers.0.self_attn.q_proj.weight")).as("gradients reach layer 0")
                .matches(g -> maxAbs(g) > 0);
        assertThat(GradientProbe.maxRelativeDifference(checkpointed.gradients, full.gradients)).isLessThan(1e-5);
    }

    @Test
    void gradientsAccumulateAcrossCheckpointedMicroBatches() {
        PackedBatch a = GradientProbe.packedRows(8, 40);
        PackedBatch b = GradientProbe.packedRows(9, 40);
        Run full = run(List.of(a, b), Backprop.FULL);
        Run checkpointed = run(List.of(a, b), Backprop.CHECKPOINTED);

        assertThat(GradientProbe.maxRelativeDifference(checkpointed.gradients, full.gradients)).isLessThan(1e-5);
    }

    @Test
    void lossInChunksGivesTheLossAndGradientsOfTheWholeBatch() {
        PackedBatch batch = GradientProbe.packedRows(10, 60);
        // reference: the whole batch's head and loss in one recorded graph
        double whole;
        try (NDScope scope = new NDScope(); ai.djl.ndarray.NDManager m = model.weights().manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray nll = ai.solo.impl.engine.Autograd.recording(() -> CausalLmLoss.sum(model.transformer(), batch, m));
            ai.solo.impl.engine.Autograd.backward(nll);
            whole = nll.getFloat();
        }
        Run reference = new Run(whole, collect());
        double chunked;
        try (NDScope scope = new NDScope(); ai.djl.ndarray.NDManager m = model.weights().manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray hidden = ai.solo.impl.engine.Autograd.recording(() -> model.transformer().hidden(batch.batch(), m));
            NDArray leaf = hidden.stopGradient();
            leaf.setRequiresGradient(true);
            chunked = CausalLmLoss.backwardInChunks(model.transformer(), leaf, batch, 1f, 7, m);
            ai.solo.impl.engine.Autograd.backward(hidden, leaf.getGradient());
        }
        Run inChunks = new Run(chunked, collect());

        assertThat(batch.targetTokens()).as("several chunks of 7").isGreaterThan(21);
        assertThat(inChunks.loss).isCloseTo(reference.loss, org.assertj.core.data.Offset.offset(1e-5 * reference.loss));
        assertThat(GradientProbe.maxRelativeDifference(inChunks.gradients, reference.gradients)).isLessThan(1e-5);
    }

    private static Map<String, float[]> collect() {
        Map<String, float[]> grads;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            Map<String, NDArray> live = new java.util.LinkedHashMap<>();
            replica.trainable().forEach((k, p) -> live.put(k, p.getGradient()));
            grads = GradientProbe.gradients(live);
        }
        Gradients.zero(replica.parameters());
        return grads;
    }

    private record Run(double loss, Map<String, float[]> gradients) {
    }

    private static Run run(PackedBatch batch, Backprop backprop) {
        return run(List.of(batch), backprop);
    }

    private static Run run(List<PackedBatch> batches, Backprop backprop) {
        double loss = 0;
        for (PackedBatch b : batches) {
            loss += replica.run(b, 0.01f, backprop);
        }
        return new Run(loss, collect());
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
