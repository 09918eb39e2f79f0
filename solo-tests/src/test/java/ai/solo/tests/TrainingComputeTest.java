package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloModel;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.ComputeOptions;
import ai.solo.train.Recipe;
import ai.solo.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's compute options on a tiny model: activation checkpointing and two data-parallel
 * replicas follow the plain run's loss trajectory; float16 mixed precision tracks float32
 * without NaN; an overflowing loss scale skips steps and recovers.
 */
class TrainingComputeTest {
    private static final int STEPS = 8;
    private static SoloTokenizer tokenizer;
    private static ColourTask.Losses plain;

    @TempDir
    Path out;

    @BeforeAll
    static void setUp(@TempDir Path dir) {
        tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer());
        plain = train(dir.resolve("plain"), STEPS, b -> b);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static ColourTask.Losses train(Path dir, int steps, UnaryOperator<Trainer.Builder> options) {
        ColourTask.Losses losses = new ColourTask.Losses();
        try (SoloModel model = ColourTask.tinyModel(1, tokenizer);
                Trainer trainer = options.apply(Trainer.builder(model, Recipe.of(ColourTask.captionStage(steps)
                        .build())).outputDir(dir).listener(losses)).build()) {
            trainer.run();
        }
        return losses;
    }

    @Test
    void activationCheckpointingFollowsThePlainLossTrajectory() {
        ColourTask.Losses checkpointed = train(out, STEPS, b -> b.activationCheckpointing(true));

        assertSameTrajectory(checkpointed.values, plain.values, 1e-4);
    }

    @Test
    void twoReplicasFollowTheSingleDeviceTrajectory() {
        ColourTask.Losses parallel = train(out, STEPS, b -> b.devices("cpu", "cpu"));

        assertSameTrajectory(parallel.values, plain.values, 1e-4);
    }

    @Test
    void float16MixedPrecisionTracksFloat32WithoutNaN() {
        ColourTask.Losses mixed = train(out, STEPS, b -> b.mixedPrecision(true));

        assertThat(mixed.values).allMatch(Double::isFinite);
        assertThat(mixed.skipped).as("no overflow at the default scale on this task").doesNotContain(true);
        for (int i = 0; i < STEPS; i++) {
            assertThat(Math.abs(mixed.values.get(i) - plain.values.get(i)) / plain.values.get(i))
                    .as("step %d: float16 %s vs float32 %s", i + 1, mixed.values.get(i), plain.values.get(i))
                    .isLessThan(0.05);
        }
        assertThat(mixed.values.get(STEPS - 1)).as("float16 training makes progress").isLessThan(mixed.values.get(0));
    }

    @Test
    void allTogetherTwoFloat16ReplicasWithCheckpointingTrackFloat32() {
        int steps = 4;
        ColourTask.Losses all = train(out, steps, b -> b.devices("cpu", "cpu").mixedPrecision(true)
                .activationCheckpointing(true));

        assertThat(all.skipped).containsOnly(false);
        for (int i = 0; i < steps; i++) {
            assertThat(Math.abs(all.values.get(i) - plain.values.get(i)) / plain.values.get(i))
                    .as("step %d: %s vs float32 %s", i + 1, all.values.get(i), plain.values.get(i)).isLessThan(0.05);
        }
    }

    @Test
    void overflowingLossScaleSkipsStepsThenTrains() {
        // 2^24 times this loss's gradients overflows float16 (max 65504): halving must bring it down
        int steps = 12;
        ColourTask.Losses mixed = train(out, steps, b -> b.compute(new ComputeOptions(List.of(), true, false,
                Math.pow(2, 24), 2000)));

        long skipped = mixed.skipped.stream().filter(s -> s).count();
        assertThat(mixed.skipped.get(0)).isTrue();
        assertThat(skipped).as("steps skipped while the scale came down").isBetween(2L, steps - 4L);
        assertThat(mixed.skipped.subList(steps - 3, steps)).as("trains once the scale fits").containsOnly(false);
        assertThat(mixed.values).allMatch(Double::isFinite);
        assertThat(mixed.values.get(steps - 1)).isLessThan(mixed.values.get(0));
    }

    @Test
    void invalidComputeOptionsAreRejectedBeforeTraining() {
        try (SoloModel half = SoloModel.create(ColourTask.tinyModel(1, tokenizer).config(), 1,
                ModelOptions.defaults().withPrecision(Precision.FLOAT16))) {
            half.attachTokenizer(tokenizer);
            assertThatThrownBy(() -> Trainer.builder(half, Recipe.of(ColourTask.captionStage(1).build()))
                    .outputDir(out).mixedPrecision(true).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("FLOAT32");
        }
        try (SoloModel model = ColourTask.tinyModel(1, tokenizer)) {
            assertThatThrownBy(() -> Trainer.builder(model, Recipe.of(ColourTask.captionStage(1).build()))
                    .outputDir(out).devices("cpu", "gpu:7").build())
                    .isInstanceOf(EngineException.class).hasMessageContaining("gpu:7");
            assertThatThrownBy(() -> Trainer.builder(model, Recipe.of(ColourTask.captionStage(1).build()))
                    .outputDir(out).devices("tpu"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("tpu");
        }
    }

    private static void assertSameTrajectory(List<Double> actual, List<Double> expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Math.abs(actual.get(i) - expected.get(i)) / expected.get(i))
                    .as("step %d: %s vs %s", i + 1, actual.get(i), expected.get(i)).isLessThan(relative);
        }
    }
}
