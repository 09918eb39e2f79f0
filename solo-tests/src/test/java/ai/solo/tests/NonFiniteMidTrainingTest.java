package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.solo.ModelBatch;
import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.TensorNames;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.train.Recipe;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN that appears in the middle of a run: a fault injected into one weight after step 3, as a
 * bad batch or a hardware fault would leave it. The stage's non-finite policy decides what
 * happens, and the step is named wherever it is reported.
 */
class NonFiniteMidTrainingTest {
    @RegisterExtension
    static final MistralTokenizer TOKENIZER = new MistralTokenizer();

    @TempDir
    Path out;


    /** Writes NaN into the final norm's first weight after step {@code at}, and puts it back after {@code until}. */
    private static final class Fault implements TrainingListener {
        private final NDArray weight;
        private final int at;
        private final int until;
        private float saved;

        Fault(SoloModel model, int at, int until) {
            this.weight = ((DjlSoloModel) model).weights().get(TensorNames.FINAL_NORM);
            this.at = at;
            this.until = until;
        }

        @Override
        public void onStep(StepMetrics step) {
            if (step.step() == at) {
                saved = weight.getFloat(0);
                weight.set(new NDIndex(0), Float.NaN);
            } else if (step.step() == until) {
                weight.set(new NDIndex(0), saved);
            }
        }
    }

    @Test
    void stopPolicyNamesTheStepKeepsTheLastCheckpointAndResumesFromIt() {
        Stage stage = ColourTask.captionStage(6).build();
        try (SoloModel model = ColourTask.tinyModel(3, TOKENIZER.get())) {
            ColourTask.Losses losses = new ColourTask.Losses();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out).checkpointEvery(2)
                    .listener(losses).listener(new Fault(model, 3, -1)).build()) {
                assertThatThrownBy(trainer::run).isInstanceOf(SoloException.class)
                        .hasMessageContaining("stage captions, step 4: loss NaN")
                        .hasMessageContaining("last checkpoint intact in " + out);
            }
            assertThat(losses.values).hasSize(3).allMatch(Double::isFinite);
        }
        assertThat(out.resolve("checkpoint-00-captions-0000002")).isDirectory();
        assertThat(out.resolve("checkpoint-00-captions-0000004")).doesNotExist();
        try (SoloModel saved = SoloModel.load(out.resolve("checkpoint-00-captions-0000002"))) {
            saved.attachTokenizer(TOKENIZER.get());
            assertFinite(saved);
        }

        ColourTask.Losses resumed = new ColourTask.Losses();
        try (SoloModel model = ColourTask.tinyModel(3, TOKENIZER.get());
                Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out).checkpointEvery(2)
                        .resume(true).listener(resumed).build()) {
            TrainingSummary summary = trainer.run();
            assertThat(summary.steps()).as("steps 3 to 6, after the checkpoint of step 2").isEqualTo(4);
            assertThat(summary.checkpoint()).isEqualTo(out.resolve("captions"));
        }
        assertThat(resumed.values).hasSize(4).allMatch(Double::isFinite);
    }

    @Test
    void skipStepPolicyReportsTheStepAndTrainsOnOnceTheFaultIsGone() throws IOException {
        Stage stage = ColourTask.captionStage(6).nonFiniteLoss(Stage.NonFiniteLoss.SKIP_STEP).build();
        ColourTask.Losses losses = new ColourTask.Losses();
        try (SoloModel model = ColourTask.tinyModel(3, TOKENIZER.get());
                Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out).listener(losses)
                        .listener(new Fault(model, 3, 4)).build()) {
            trainer.run();
        }

        assertThat(losses.skipped).containsExactly(false, false, false, true, false, false);
        assertThat(losses.values.get(3)).isNaN();
        assertThat(List.of(losses.values.get(4), losses.values.get(5))).allMatch(Double::isFinite);
        List<JsonNode> steps = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode event = json.readTree(line);
            if (event.has("skipped")) {
                steps.add(event);
            }
        }
        assertThat(steps).filteredOn(e -> e.get("skipped").asBoolean())
                .singleElement().satisfies(e -> {
                    assertThat(e.get("step").asInt()).isEqualTo(4);
                    assertThat(e.get("loss").isNull()).isTrue();
                });
        try (SoloModel trained = SoloModel.load(out.resolve("captions"))) {
            trained.attachTokenizer(TOKENIZER.get());
            assertFinite(trained);
        }
    }

    @Test
    void aFaultThatStaysIsNeverCheckpointedSoTheGoodCheckpointsSurvive() {
        Stage stage = ColourTask.captionStage(8).nonFiniteLoss(Stage.NonFiniteLoss.SKIP_STEP).build();
        try (SoloModel model = ColourTask.tinyModel(3, TOKENIZER.get());
                Trainer trainer = Trainer.builder(model, Recipe.of(stage)).outputDir(out).checkpointEvery(1)
                        .listener(new Fault(model, 3, -1)).build()) {
            assertThatThrownBy(trainer::run).isInstanceOf(SoloException.class)
                    .hasMessageContaining("stage captions, step 3: weight " + TensorNames.FINAL_NORM + " (NaN)")
                    .hasMessageContaining("no checkpoint is written");
        }

        assertThat(out.resolve("checkpoint-00-captions-0000003")).doesNotExist();
        try (SoloModel saved = SoloModel.load(out.resolve("checkpoint-00-captions-0000002"))) {
            saved.attachTokenizer(TOKENIZER.get());
            assertFinite(saved);
        }
    }

    private static void assertFinite(SoloModel model) {
        float[] logits = model.logits(probe()).values();
        for (int i = 0; i < logits.length; i++) {
            assertThat(logits[i]).as("logit %d", i).isFinite();
        }
    }

    private static ModelBatch probe() {
        return ModelBatch.of(SequenceBuilder.create(TOKENIZER.get(), ImageClose.VISION).bos().text("a red square", false)
                .build());
    }
}
