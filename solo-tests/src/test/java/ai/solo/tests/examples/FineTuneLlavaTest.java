package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.examples.finetune.FineTuneLlava;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fine-tuning example, at tiny scale on the shipped LLaVA sample. */
class FineTuneLlavaTest {
    @TempDir
    Path dir;

    @Test
    void fewStepsOnTheShippedSampleSaveAModelThatLoadsAndAnswers() {
        Path model = ExampleFixtures.tinyCheckpoint(dir.resolve("model"));
        Path sample = ExampleFixtures.llavaSample();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        FineTuneLlava.Result r = FineTuneLlava.fineTune(model, sample.resolve("train.json"), sample.resolve("images"),
                dir.resolve("run"), 2, new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(r.training().steps()).isEqualTo(2);
        assertThat(r.training().finalLoss()).isFinite();
        assertThat(r.fineTuned()).isEqualTo(dir.resolve("run/fine-tuned"));
        assertThat(r.fineTuned().resolve("trainer_state")).doesNotExist();
        assertThat(dir.resolve("run/metrics.jsonl")).isRegularFile();
        assertThat(r.question()).isEqualTo("Describe the shape.");      // the sample's first record
        assertThat(r.expected()).isEqualTo("black square");
        assertThat(r.answer()).isNotNull();
        try (SoloModel tuned = SoloModel.load(r.fineTuned())) {
            assertThat(tuned.tokenizer()).isPresent();
        }
    }
}
