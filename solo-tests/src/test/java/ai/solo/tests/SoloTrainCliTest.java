package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloConfig;
import ai.solo.examples.cli.SoloCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solo train}: argument validation and error reporting, all before any weights are
 * loaded, and short runs end to end (recipe, resume, plain fine-tuning on LLaVA data).
 */
class SoloTrainCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int solo(String... args) {
        return SoloCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    private AbstractStringAssert<?> assertOneErrorLine() {
        String e = err.toString();
        assertThat(e.lines().count()).as(e).isEqualTo(1);
        assertThat(e).doesNotContain("\tat ");
        return assertThat(e.trim()).startsWith("solo: error: ");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Path validRecipe() throws IOException {
        write("corpus.txt", "one line of text\n");
        return write("recipe.json", """
                {"name": "r", "stages": [{"name": "lm", "steps": 2,
                  "sources": [{"format": "text", "path": "corpus.txt"}]}]}
                """);
    }

    /** @return a one-stage recipe of {@code steps} steps over a three-line text corpus */
    private Path textRecipe(int steps) throws IOException {
        write("corpus.txt", "the red square\nthe blue circle\nthree green stars\n");
        return write("recipe.json", """
                {"name": "r", "stages": [{"name": "lm", "steps": %d, "pack_length": 32, "learning_rate": 0.001,
                  "sources": [{"format": "text", "path": "corpus.txt"}]}]}
                """.formatted(steps));
    }

    private String out() {
        return dir.resolve("run").toString();
    }

    /** A tiny SOLO-vocabulary model folder with the Mistral tokenizer. */
    private Path modelFolder() {
        Path model = dir.resolve("model");
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(1).numAttentionHeads(2).numKeyValueHeads(1).build();
        try (ai.solo.SoloModel m = ai.solo.SoloModel.create(config, 1);
                ai.solo.text.SoloTokenizer tok = ai.solo.text.SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            m.attachTokenizer(tok);
            m.save(model);
        }
        return model;
    }

    @Test
    void recipeRunTrainsWritesCheckpointsAndResumes() throws IOException {
        Path model = modelFolder();
        Path recipe = textRecipe(4);

        int code = solo("train", "--recipe", recipe.toString(), "--model", model.toString(), "--out", out(),
                "--checkpoint-every", "2");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("final loss:").contains("checkpoint:");
        assertThat(dir.resolve("run/lm/model.safetensors")).exists();
        assertThat(dir.resolve("run/checkpoint-00-lm-0000002/trainer_state/state.json")).exists();
        assertThat(dir.resolve("run/metrics.jsonl")).exists();
        assertThat(dir.resolve("run/loss.png")).exists();
        assertThat(solo("train", "--recipe", recipe.toString(), "--model", model.toString(), "--out", out(),
                "--resume")).as(err.toString()).isZero();
    }

    @Test
    void plainFineTuningOnLlavaData() throws IOException {
        Path model = modelFolder();
        Path images = Files.createDirectories(dir.resolve("images"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", images.resolve("a.png").toFile());
        Path data = write("sft.json", """
                [{"image": "a.png", "conversations": [{"from": "human", "value": "<image>\\nWhat is it?"},
                  {"from": "gpt", "value": "A black square."}]}]
                """);

        int code = solo("train", "--data", data.toString(), "--image-root", images.toString(), "--model",
                model.toString(), "--out", out(), "--steps", "2", "--pack-length", "64");

        assertThat(code).as(err.toString()).isZero();
        assertThat(dir.resolve("run/sft/config.json")).exists();
    }

    @Test
    void computeOptionsReachTheTrainer() throws IOException {
        Path model = modelFolder();
        Path recipe = textRecipe(2);

        int code = solo("train", "--recipe", recipe.toString(), "--model", model.toString(), "--out", out(),
                "--devices", "cpu,cpu", "--activation-checkpointing", "--attention-block", "16");
        assertThat(code).as(err.toString()).isZero();
        assertThat(dir.resolve("run/lm/model.safetensors")).exists();

        assertThat(solo("train", "--recipe", recipe.toString(), "--model", model.toString(), "--out", out(),
                "--devices", "cpu,gpu:9")).isEqualTo(1);
        assertThat(err.toString()).contains("gpu:9");
    }

    @Test
    void neitherRecipeNorDataIsAUsageError() {
        int code = solo("train", "--model", dir.toString(), "--out", out());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--recipe").contains("--data");
    }

    @Test
    void recipeAndDataTogetherAreAUsageError() throws IOException {
        int code = solo("train", "--recipe", validRecipe().toString(), "--data", "x.json", "--model", dir.toString(),
                "--out", out());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("either --recipe FILE").contains("or --data FILE");
    }

    @Test
    void theModelIsEitherACheckpointOrAConfig() throws IOException {
        String recipe = validRecipe().toString();

        assertThat(solo("train", "--recipe", recipe, "--out", out())).isEqualTo(2);
        assertThat(err.toString()).contains("--model DIR").contains("--config FILE");
        assertThat(solo("train", "--recipe", recipe, "--model", dir.toString(), "--config", "c.json", "--out", out()))
                .isEqualTo(2);
    }

    @Test
    void outIsRequired() throws IOException {
        assertThat(solo("train", "--recipe", validRecipe().toString(), "--model", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
    }

    @Test
    void fineTuningFlagsDoNotGoWithARecipe() throws IOException {
        int code = solo("train", "--recipe", validRecipe().toString(), "--model", dir.toString(), "--out", out(),
                "--steps", "5", "--lr", "1e-4");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--steps, --lr only go with --data");
    }

    @Test
    void aMalformedRecipeIsOneErrorLineNamingFileAndField() throws IOException {
        Path recipe = write("bad/recipe.json", """
                {"name": "r", "stages": [{"name": "lm", "steps": 2, "wieght": 1,
                  "sources": [{"format": "text", "path": "corpus.txt"}]}]}
                """);

        int code = solo("train", "--recipe", recipe.toString(), "--model", dir.resolve("m").toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(recipe + ": stages[0].wieght: unknown field");
    }

    @Test
    void aRecipeThatIsNotJsonIsOneErrorLineNamingTheFile() throws IOException {
        Path recipe = write("recipe.json", "{\"name\": \"r\", \"stages\": [");

        int code = solo("train", "--recipe", recipe.toString(), "--model", dir.resolve("m").toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(recipe + ": not valid JSON");
    }

    @Test
    void aMissingRecipeFileIsOneErrorLine() {
        Path recipe = dir.resolve("nope.json");

        int code = solo("train", "--recipe", recipe.toString(), "--model", dir.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(recipe + ": recipe file not found");
    }

    @Test
    void aRecipeWhoseDataIsMissingNamesTheSourceAndTheFile() throws IOException {
        Path recipe = write("recipe.json", """
                {"name": "r", "stages": [{"name": "lm", "steps": 2,
                  "sources": [{"format": "text", "path": "missing.txt"}]}]}
                """);

        int code = solo("train", "--recipe", recipe.toString(), "--model", dir.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(recipe + ": stages[0].sources[0]").contains("missing.txt");
    }

    @Test
    void missingDataFileIsOneErrorLine() {
        Path data = dir.resolve("sft.json");

        int code = solo("train", "--data", data.toString(), "--model", dir.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("sft.json");
    }

    @Test
    void invalidFineTuningSettingsAreOneErrorLine() throws IOException {
        Path data = write("sft.json", "[]");

        int code = solo("train", "--data", data.toString(), "--model", dir.toString(), "--out", out(),
                "--batch", "8", "--micro-batch", "3");

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains("multiple of microBatchSize");
    }

    @Test
    void aModelFolderWithoutTokenizerNeedsTokenizerFlag() throws IOException {
        Path model = Files.createDirectories(dir.resolve("model"));

        int code = solo("train", "--recipe", validRecipe().toString(), "--model", model.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(model + ": no tokenizer.json").contains("--tokenizer PATH");
    }

    @Test
    void aNewModelFromAConfigNeedsATokenizerToo() throws IOException {
        Path config = dir.resolve("fresh/config.json");
        Files.createDirectories(config.getParent());
        SoloConfig.builder().vocabSize(1031).hiddenSize(16).intermediateSize(32).numHiddenLayers(1)
                .numAttentionHeads(2).numKeyValueHeads(1).build().write(config);

        int code = solo("train", "--recipe", validRecipe().toString(), "--config", config.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(config.getParent() + ": no tokenizer.json").contains("--tokenizer PATH");
    }

    @Test
    void aMissingModelFolderIsOneErrorLine() throws IOException {
        Path model = dir.resolve("absent");

        int code = solo("train", "--recipe", validRecipe().toString(), "--model", model.toString(), "--out", out());

        assertThat(code).isEqualTo(1);
        assertOneErrorLine().contains(model + ": model folder not found");
    }

    @Test
    void helpListsBothWaysToTrain() {
        int code = solo("train", "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("--recipe").contains("--data").contains("--resume")
                .contains("--checkpoint-every").contains("--tokenizer");
    }
}
