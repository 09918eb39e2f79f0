package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.TensorType;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import ai.solo.tests.HfCheckpointFiles.RawTensor;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole round trip of docs/CHECKPOINTS.md: a checkpoint as Python writes it (bf16, sharded)
 * is fine-tuned with the {@link Trainer}; each trainer checkpoint is a Hugging Face folder plus
 * {@code trainer_state/}, whose Hugging Face files alone are a complete checkpoint; the result
 * goes back to Python as bf16.
 */
class TrainerCheckpointLayoutTest {
    private static final SoloConfig SHAPE = SoloConfig.builder().vocabSize(TinySolo.VOCAB).hiddenSize(16)
            .intermediateSize(32).numHiddenLayers(2).numAttentionHeads(2).numKeyValueHeads(1).visionPatchSize(32)
            .build();

    @TempDir
    Path dir;

    @Test
    void pythonCheckpointFineTunesIntoHuggingFaceFoldersPlusTrainerState() throws IOException {
        // given a bf16 sharded checkpoint laid out as transformers writes it, with Mistral's tokenizer
        Path python = Files.createDirectories(dir.resolve("from-python"));
        HfCheckpointFiles.writeJson(python.resolve("config.json"), CheckpointRoundTripTest.pythonConfig(SHAPE));
        HfCheckpointFiles.writeShardedFolder(python, CheckpointRoundTripTest.bf16StateDict(SHAPE, 21), 600_000);
        Files.copy(Fixtures.mistralTokenizer().resolve("tokenizer.json"), python.resolve("tokenizer.json"));

        // when it is fine-tuned for 4 steps with a checkpoint every 2
        Path runs = dir.resolve("runs");
        List<Path> checkpoints = new ArrayList<>();
        Path trainedExport = dir.resolve("trained-f32");
        Path backToPython = dir.resolve("to-python");
        try (SoloModel model = SoloModel.load(python)) {
            Stage sft = Stage.builder("sft").source(colours(8), 1.0).lossRule(LossRule.ALL_TEXT).steps(4)
                    .packLength(64).batch(2, 1).learningRate(1e-3, 1e-4, 1).weightDecay(0.0, false).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(sft)).outputDir(runs).checkpointEvery(2)
                    .listener(new TrainingListener() {
                        @Override
                        public void onCheckpoint(Path checkpoint, String stage, long step) {
                            checkpoints.add(checkpoint);
                        }
                    }).build()) {
                trainer.run();
            }
            model.save(trainedExport);
            model.save(backToPython, SaveOptions.defaults().withWeightType(TensorType.BF16).withMaxShardBytes(600_000));
        }

        // then: one periodic checkpoint (after step 2) and the stage's own (after step 4)
        assertThat(checkpoints).hasSize(2);
        Path periodic = checkpoints.get(0);
        Path stageEnd = checkpoints.get(1);
        for (Path checkpoint : checkpoints) {
            assertThat(checkpoint.getParent()).isEqualTo(runs);
            // Hugging Face files: config.json, float32 model.safetensors (SPEC names), tokenizer
            assertThat(topLevelFiles(checkpoint)).contains("config.json", "model.safetensors", "tokenizer.json");
            assertThat(topLevelFiles(checkpoint)).noneMatch(name -> name.startsWith("model-"));
            CheckpointRoundTripTest.assertSpecTensors(HfCheckpointFiles.readFolder(checkpoint), SHAPE, "F32");
            assertThat(HfCheckpointFiles.readJson(checkpoint.resolve("config.json")).get("torch_dtype").asText())
                    .isEqualTo("float32");
            // plus trainer_state/state.json
            Path state = checkpoint.resolve("trainer_state");
            assertThat(state).isDirectory();
            JsonNode position = HfCheckpointFiles.readJson(state.resolve("state.json"));
            assertThat(position.get("stage").asText()).isEqualTo("sft");

            // the Hugging Face files alone are a complete checkpoint: copy them without trainer_state/
            Path hfOnly = dir.resolve("hf-only-" + checkpoint.getFileName());
            copyTopLevelFiles(checkpoint, hfOnly);
            Path fromTrainerFolder = dir.resolve("reloaded-" + checkpoint.getFileName());
            Path fromHfOnly = dir.resolve("reloaded-hf-only-" + checkpoint.getFileName());
            try (SoloModel withState = SoloModel.load(checkpoint); SoloModel without = SoloModel.load(hfOnly)) {
                assertThat(withState.tokenizer()).isPresent();
                assertThat(without.config()).isEqualTo(withState.config());
                withState.save(fromTrainerFolder);
                without.save(fromHfOnly);
            }
            CheckpointRoundTripTest.assertSameFiles(fromHfOnly, fromTrainerFolder);
            CheckpointRoundTripTest.assertSameTensors(HfCheckpointFiles.readFolder(fromHfOnly),
                    HfCheckpointFiles.readFolder(checkpoint));
        }
        assertThat(position(periodic).get("step").asLong()).isEqualTo(2);
        assertThat(position(stageEnd).get("step").asLong()).isEqualTo(4);
        assertThat(position(stageEnd).get("stage_complete").asBoolean()).isTrue();

        // the periodic checkpoint keeps AdamW's moments, float32, named after the parameters
        Map<String, Tensor> moments = TensorFiles.read(periodic.resolve("trainer_state").resolve("optimizer.safetensors"));
        Map<String, long[]> spec = CheckpointRoundTripTest.specShapes(SHAPE);
        assertThat(moments).isNotEmpty();
        moments.forEach((name, t) -> {
            String parameter = name.replaceFirst("^exp_avg_sq\\.|^exp_avg\\.", "");
            assertThat(name).as("moment name").matches("exp_avg(_sq)?\\..+");
            assertThat(spec).as("%s names a parameter", name).containsKey(parameter);
            assertThat(t.type()).isEqualTo(TensorType.F32);
            assertThat(t.shape()).as(name).isEqualTo(spec.get(parameter));
        });

        // the stage checkpoint holds exactly the trained weights, which moved away from Python's
        CheckpointRoundTripTest.assertSameTensors(HfCheckpointFiles.readFolder(stageEnd),
                HfCheckpointFiles.readFolder(trainedExport));
        Map<String, RawTensor> before = HfCheckpointFiles.readFolder(python);
        Map<String, RawTensor> after = HfCheckpointFiles.readFolder(backToPython);
        CheckpointRoundTripTest.assertSpecTensors(after, SHAPE, "BF16");
        assertThat(after.keySet().stream().filter(n -> !after.get(n).equals(before.get(n))).count())
                .as("tensors changed by training").isPositive();
        assertThat(backToPython.resolve(HfCheckpointFiles.INDEX)).exists();
    }

    private static JsonNode position(Path checkpoint) {
        return HfCheckpointFiles.readJson(checkpoint.resolve("trainer_state").resolve("state.json"));
    }

    private static List<String> topLevelFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copyTopLevelFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : topLevelFiles(from)) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
    }

    /** Solid-colour 32x32 images captioned with their colour. */
    private static SampleSource colours(int count) {
        String[] names = {"red", "green", "blue", "yellow"};
        Color[] rgb = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(rgb[i % 4]);
            g.fillRect(0, 0, 32, 32);
            g.dispose();
            Conversation conversation = Conversation.builder().user(Prompt.builder().image(image).build())
                    .assistant("a " + names[i % 4] + " square").build();
            samples.add(new TrainingSample(conversation, TrainingSample.Kind.CAPTION, "colours:" + i));
        }
        return SampleSources.of("colours", samples);
    }
}
