package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import ai.solo.train.TrainingSummary;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Training through the public API on a tiny model with the real Mistral tokenizer. */
class TrainerTest {
    @RegisterExtension
    static final MistralTokenizer TOKENIZER = new MistralTokenizer();

    @TempDir
    Path out;


    private static SoloModel tinyModel(long seed) {
        return ColourTask.tinyModel(seed, TOKENIZER.get());
    }

    private static BufferedImage solid(Color c, int w, int h) {
        return ColourTask.solid(c, w, h);
    }

    private static SampleSource colours(int count) {
        return ColourTask.colours(count);
    }

    private static Stage.Builder captionStage(int steps) {
        return ColourTask.captionStage(steps);
    }

    /** Records every step's loss. */
    private static final class Losses implements TrainingListener {
        final List<Double> values = new ArrayList<>();

        @Override
        public void onStep(StepMetrics step) {
            values.add(step.loss());
        }
    }

    @Test
    void lossOnASyntheticImageTextTaskFallsByAtLeastHalf() {
        Losses losses = new Losses();
        try (SoloModel model = tinyModel(1);
                Trainer trainer = Trainer.builder(model, Recipe.of(captionStage(40).build())).outputDir(out)
                        .listener(losses).build()) {
            TrainingSummary summary = trainer.run();

            double first = losses.values.get(0);
            double last = losses.values.get(losses.values.size() - 1);
            assertThat(losses.values).hasSize(40);
            assertThat(last).as("first %s, last %s", first, last).isLessThan(first / 2);
            assertThat(summary.checkpoint()).isEqualTo(out.resolve("captions"));
            assertThat(out.resolve("metrics.jsonl")).exists();
            assertThat(out.resolve("loss.png")).exists();
            // the stage checkpoint is a model the SDK loads
            try (SoloModel trained = SoloModel.load(summary.checkpoint())) {
                assertThat(trained.tokenizer()).isPresent();
            }
        }
    }

    @Test
    void resumedRunFollowsTheUninterruptedLossTrajectory() {
        Losses straight = new Losses();
        Path a = out.resolve("straight");
        try (SoloModel model = tinyModel(3);
                Trainer trainer = Trainer.builder(model, Recipe.of(captionStage(6).build())).outputDir(a)
                        .listener(straight).build()) {
            trainer.run();
        }

        Path b = out.resolve("interrupted");
        Losses before = new Losses();
        try (SoloModel model = tinyModel(3);
                Trainer trainer = Trainer.builder(model, Recipe.of(captionStage(6).build())).outputDir(b)
                        .checkpointEvery(3).listener(before).listener(new TrainingListener() {
                            @Override
                            public void onCheckpoint(Path dir, String stage, long step) {
                                throw new IllegalStateException("simulated crash after step " + step);
                            }
                        }).build()) {
            assertThatThrownBy(trainer::run).hasMessageContaining("simulated crash after step 3");
        }
        Losses after = new Losses();
        try (SoloModel fresh = tinyModel(99); // other weights: the resume must restore them
                Trainer trainer = Trainer.builder(fresh, Recipe.of(captionStage(6).build())).outputDir(b)
                        .resume(true).listener(after).build()) {
            trainer.run();
        }

        assertThat(before.values).hasSize(3);
        assertThat(after.values).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(before.values.get(i)).isEqualTo(straight.values.get(i));
            assertThat(after.values.get(i)).as("step %d", i + 4)
                    .isCloseTo(straight.values.get(i + 3), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void frozenParametersDoNotChange() throws Exception {
        try (SoloModel model = tinyModel(5)) {
            Stage stage = captionStage(2).frozen(Set.of("model.layers.", "lm_head", "model.norm", "model.embed_tokens"))
                    .build();
            Path before = out.resolve("before");
            model.save(before);
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out.resolve("run")).build()) {
                trainer.run();
            }
            Path after = out.resolve("after");
            model.save(after);
            // only the patch embedding trained: every other tensor is byte-identical
            try (SoloModel a = SoloModel.load(before); SoloModel b = SoloModel.load(after)) {
                var batch = ai.solo.ModelBatch.of(ai.solo.text.SequenceBuilder.create(TOKENIZER.get(), ai.solo.text.ImageClose.VISION)
                        .bos().text("hello", false).build());
                assertThat(a.logits(batch).values()).containsExactly(b.logits(batch).values());
            }
        }
    }

    @Test
    void nonFiniteLossStopsWithAClearErrorOrIsSkipped() {
        try (SoloModel model = tinyModel(6)) {
            Stage exploding = captionStage(3).learningRate(1e30, 1e29, 0).clipNorm(0).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(exploding)).outputDir(out.resolve("stop")).build()) {
                assertThatThrownBy(trainer::run).isInstanceOf(SoloException.class).hasMessageContaining("gradient norm");
            }
        }
    }

    @Test
    void recipeRunsStageAfterStageWithHeldOutEvaluationsAndACheckpointPerStage() throws Exception {
        List<String> events = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onStageStart(StageStart stage) {
                events.add("start " + stage.name());
            }

            @Override
            public void onEvaluation(Evaluation evaluation) {
                events.add("eval " + evaluation.stage() + "@" + evaluation.step());
                assertThat(evaluation.loss()).isFinite();
            }
        };
        List<TrainingSample> text = List.of(new TrainingSample(Conversation.builder().assistant("plain text").build(),
                TrainingSample.Kind.TEXT, "text:1"));
        Stage stage1 = Stage.builder("stage1").source(colours(8), 0.7).source(SampleSources.of("text", text), 0.3)
                .lossRule(LossRule.ANSWERS_ONLY).steps(4).packLength(64).batch(2, 1).learningRate(1e-2, 1e-3, 1)
                .heldOut(colours(4), 2).build();
        Stage stage2 = captionStage(2).heldOut(colours(4), 0).build();
        try (SoloModel model = tinyModel(8);
                Trainer trainer = Trainer.builder(model, new Recipe("two", List.of(stage1,
                        stage2.toBuilder().build()))).outputDir(out).listener(recorder).build()) {
            TrainingSummary summary = trainer.run();

            assertThat(events).containsExactly("start stage1", "eval stage1@2", "eval stage1@4", "start captions",
                    "eval captions@2");
            assertThat(out.resolve("stage1/config.json")).exists();
            assertThat(summary.checkpoint()).isEqualTo(out.resolve("captions"));
            assertThat(summary.steps()).isEqualTo(6);
            assertThat(summary.finalHeldOutLoss()).isFinite();
            assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).anyMatch(l -> l.contains("\"captions\""));
        }
    }

    @Test
    void skipStepPolicyKeepsTrainingPastNonFiniteLosses() {
        List<Boolean> skipped = new ArrayList<>();
        try (SoloModel model = tinyModel(6)) {
            Stage exploding = captionStage(4).learningRate(1e30, 1e29, 0).clipNorm(0)
                    .nonFiniteLoss(Stage.NonFiniteLoss.SKIP_STEP).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(exploding)).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics step) {
                            skipped.add(step.skipped());
                        }
                    }).build()) {
                trainer.run();
            }
        }
        assertThat(skipped).hasSize(4).contains(true);
        assertThat(skipped.get(0)).isFalse();
    }

    @Test
    void epochsDeriveTheStepCountFromTheData() {
        long[] stepsFor = new long[3];
        for (int epochs = 1; epochs <= 2; epochs++) {
            List<Integer> announced = new ArrayList<>();
            Stage stage = captionStage(999).batch(1, 1).epochs(epochs).build();
            try (SoloModel model = tinyModel(9);
                    Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out.resolve("e" + epochs))
                            .listener(new TrainingListener() {
                                @Override
                                public void onStageStart(StageStart s) {
                                    announced.add(s.steps());
                                }
                            }).build()) {
                stepsFor[epochs] = trainer.run().steps();
            }
            assertThat(announced).containsExactly((int) stepsFor[epochs]);
        }
        // pack the 16 samples greedily into 64-token rows, independently of the trainer
        int rows = 0;
        int used = 64;
        ai.solo.image.ImagePatcher patcher = ai.solo.image.ImagePatcher.create();
        for (TrainingSample sample : colours(16)) {
            int length = ai.solo.generate.ChatTemplates.plain().render(sample.conversation(),
                    new ai.solo.generate.ChatTemplate.Context(TOKENIZER.get(), patcher, ai.solo.text.ImageClose.VISION)).length();
            if (used + length > 64) {
                rows++;
                used = 0;
            }
            used += length;
        }
        assertThat(stepsFor[1]).isEqualTo(rows);
        assertThat(stepsFor[2]).isBetween(2L * rows - 1, 2L * rows);
    }

    @Test
    void settingsAreValidatedBeforeTraining() {
        try (SoloModel model = tinyModel(7)) {
            assertThatThrownBy(() -> Trainer.builder(model, Recipe.of(captionStage(1).build())).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("outputDir");
            assertThatThrownBy(() -> captionStage(1).batch(3, 2).build())
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("multiple of microBatchSize");
            assertThatThrownBy(() -> Stage.builder("x").build()).hasMessageContaining("mixture");
        }
        assertThat(Files.exists(out.resolve("metrics.jsonl"))).isFalse();
    }
}
