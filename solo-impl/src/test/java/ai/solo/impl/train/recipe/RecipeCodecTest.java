package ai.solo.impl.train.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.generate.ChatTemplates;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.MalformedRecords;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.Stage;
import ai.solo.train.TrainingSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecipeCodecTest {
    @TempDir
    Path dir;

    /** What the codec asked to open, and what it got. */
    private record Opened(DataFormat format, Path path, Path imageRoot, MalformedRecords policy, FakeSource source) {
    }

    private static final class FakeSource implements SampleSource {
        private final String name;
        private int closed;

        FakeSource(String name) {
            this.name = name;
        }

        @Override
        public Iterator<TrainingSample> iterator() {
            return List.<TrainingSample>of().iterator();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            closed++;
        }
    }

    private final List<Opened> opened = new ArrayList<>();

    private SampleSource open(DataFormat format, Path path, Path imageRoot, MalformedRecords policy) {
        FakeSource source = new FakeSource(path.getFileName().toString());
        opened.add(new Opened(format, path, imageRoot, policy, source));
        return source;
    }

    private Path recipe(String json) throws IOException {
        Path file = dir.resolve("recipe.json");
        Files.writeString(file, json);
        return file;
    }

    private Recipe read(String json) throws IOException {
        return RecipeCodec.read(recipe(json), this::open);
    }

    private static final String FULL = """
            {
              "name": "solo-small",
              "stages": [
                {
                  "name": "stage1",
                  "sources": [
                    {"format": "image_folder", "path": "data/imagenet", "weight": 0.7, "shuffle_buffer": 500,
                     "malformed": "fail"},
                    {"format": "text", "path": "/corpora/slimpajama.jsonl", "weight": 0.3, "shuffle_buffer": 0}
                  ],
                  "loss": "answers_only",
                  "template": "plain",
                  "steps": 1525,
                  "pack_length": 4096,
                  "sequences_per_step": 16,
                  "micro_batch_size": 4,
                  "learning_rate": 5e-5,
                  "min_learning_rate": 5e-6,
                  "warmup_steps": 200,
                  "weight_decay": 0.05,
                  "decay_norms_and_embeddings": true,
                  "betas": [0.8, 0.99],
                  "epsilon": 1e-6,
                  "clip_norm": 0.5,
                  "frozen": ["model.embed_tokens.", "model.layers.0."],
                  "non_finite_loss": "skip_step"
                },
                {
                  "name": "sft",
                  "sources": [
                    {"format": "llava", "path": "data/llava.json", "image_root": "images"}
                  ],
                  "loss": "answers_only",
                  "template": "solo7b",
                  "steps": 500,
                  "init_from": "checkpoints/stage1",
                  "held_out": {"format": "llava", "path": "data/val.json", "image_root": "images", "malformed": "fail"},
                  "evaluate_every": 50
                }
              ]
            }
            """;

    @Test
    void readsEveryFieldOfAFullRecipe() throws IOException {
        Recipe recipe = read(FULL);

        assertThat(recipe.name()).isEqualTo("solo-small");
        assertThat(recipe.stages()).extracting(Stage::name).containsExactly("stage1", "sft");
        Stage s1 = recipe.stages().get(0);
        assertThat(s1.mixture()).extracting(Stage.Mixture::weight).containsExactly(0.7, 0.3);
        assertThat(s1.lossRule()).isEqualTo(LossRule.ANSWERS_ONLY);
        assertThat(s1.template()).isSameAs(ChatTemplates.plain());
        assertThat(s1.steps()).isEqualTo(1525);
        assertThat(s1.packLength()).isEqualTo(4096);
        assertThat(s1.sequencesPerStep()).isEqualTo(16);
        assertThat(s1.microBatchSize()).isEqualTo(4);
        assertThat(s1.learningRate()).isEqualTo(5e-5);
        assertThat(s1.minLearningRate()).isEqualTo(5e-6);
        assertThat(s1.warmupSteps()).isEqualTo(200);
        assertThat(s1.weightDecay()).isEqualTo(0.05);
        assertThat(s1.decayNormsAndEmbeddings()).isTrue();
        assertThat(s1.beta1()).isEqualTo(0.8);
        assertThat(s1.beta2()).isEqualTo(0.99);
        assertThat(s1.epsilon()).isEqualTo(1e-6);
        assertThat(s1.clipNorm()).isEqualTo(0.5);
        assertThat(s1.frozen()).containsExactlyInAnyOrder("model.embed_tokens.", "model.layers.0.");
        assertThat(s1.initFrom()).isNull();
        assertThat(s1.heldOut()).isNull();
        assertThat(s1.nonFiniteLoss()).isEqualTo(Stage.NonFiniteLoss.SKIP_STEP);

        Stage sft = recipe.stages().get(1);
        assertThat(sft.template()).isSameAs(ChatTemplates.solo7B());
        assertThat(sft.steps()).isEqualTo(500);
        assertThat(sft.initFrom()).isEqualTo(dir.resolve("checkpoints/stage1"));
        assertThat(sft.evaluateEvery()).isEqualTo(50);

        assertThat(opened).extracting(Opened::format)
                .containsExactly(DataFormat.IMAGE_FOLDER, DataFormat.TEXT, DataFormat.LLAVA, DataFormat.LLAVA);
        assertThat(opened).extracting(Opened::path).containsExactly(dir.resolve("data/imagenet"),
                Path.of("/corpora/slimpajama.jsonl"), dir.resolve("data/llava.json"), dir.resolve("data/val.json"));
        assertThat(opened).extracting(Opened::imageRoot)
                .containsExactly(null, null, dir.resolve("images"), dir.resolve("images"));
        assertThat(opened).extracting(Opened::policy).containsExactly(MalformedRecords.FAIL, MalformedRecords.SKIP,
                MalformedRecords.SKIP, MalformedRecords.FAIL);
        assertThat(s1.mixture().get(0).source()).as("shuffled").isNotSameAs(opened.get(0).source());
        assertThat(s1.mixture().get(0).source().name()).isEqualTo("imagenet");
        assertThat(s1.mixture().get(1).source()).as("shuffle_buffer 0").isSameAs(opened.get(1).source());
        assertThat(sft.heldOut()).as("held-out samples are not shuffled").isSameAs(opened.get(3).source());
    }

    @Test
    void leftOutFieldsTakeTheStageBuilderDefaults() throws IOException {
        Recipe recipe = read("""
                {"name": "r", "stages": [{"name": "sft", "steps": 7,
                  "sources": [{"format": "llava", "path": "train.json"}]}]}
                """);

        Stage actual = recipe.stages().get(0);
        Stage expected = Stage.builder("sft").source(actual.mixture().get(0).source(), 1.0).steps(7).build();
        assertThat(actual).isEqualTo(expected);
        Opened source = opened.get(0);
        assertThat(source.imageRoot()).isNull();
        assertThat(source.policy()).isEqualTo(MalformedRecords.SKIP);
        assertThat(actual.mixture().get(0).source()).as("shuffled by default").isNotSameAs(source.source());
    }

    @Test
    void epochsReplaceStepsForSingleEpochFineTuning() throws IOException {
        Recipe recipe = read("""
                {"name": "r", "stages": [{"name": "sft", "epochs": 1,
                  "sources": [{"format": "llava", "path": "train.json"}]}]}
                """);

        assertThat(recipe.stages().get(0).epochs()).isEqualTo(1.0);
    }

    @Test
    void defaultShuffleBufferIsDocumentedValue() {
        assertThat(RecipeCodec.DEFAULT_SHUFFLE_BUFFER).isEqualTo(10_000);
    }

    @Test
    void shuffleSeedsDependOnStageAndSourcePositionOnly() {
        Set<Long> seeds = Set.of(RecipeCodec.shuffleSeed(0, 0), RecipeCodec.shuffleSeed(0, 1),
                RecipeCodec.shuffleSeed(1, 0), RecipeCodec.shuffleSeed(1, 1));

        assertThat(seeds).hasSize(4);
        assertThat(RecipeCodec.shuffleSeed(2, 3)).isEqualTo(RecipeCodec.shuffleSeed(2, 3));
    }

    @Test
    void aSourceThatCannotBeOpenedIsNamedAndEarlierSourcesAreClosed() throws IOException {
        Path file = recipe("""
                {"name": "r", "stages": [{"name": "sft", "steps": 7, "sources": [
                  {"format": "text", "path": "a.txt"}, {"format": "text", "path": "missing.txt"}]}]}
                """);

        assertThatThrownBy(() -> RecipeCodec.read(file, (format, path, root, policy) -> {
            if (path.endsWith("missing.txt")) {
                throw new InvalidInputException("TEXT data file not found: " + path);
            }
            return open(format, path, root, policy);
        })).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": stages[0].sources[1]: TEXT data file not found: " + dir.resolve("missing.txt"));
        assertThat(opened).hasSize(1);
        assertThat(opened.get(0).source().closed).isEqualTo(1);
    }

    @Test
    void nothingIsOpenedWhenALaterStageIsInvalid() throws IOException {
        Path file = recipe("""
                {"name": "r", "stages": [
                  {"name": "a", "steps": 7, "sources": [{"format": "text", "path": "a.txt"}]},
                  {"name": "b", "steps": 0, "sources": [{"format": "text", "path": "b.txt"}]}]}
                """);

        assertThatThrownBy(() -> RecipeCodec.read(file, this::open)).isInstanceOf(InvalidInputException.class);
        assertThat(opened).isEmpty();
    }

    @Test
    void aStageFailingItsOwnValidationClosesTheSourcesOpenedSoFar() throws IOException {
        Path file = recipe("""
                {"name": "r", "stages": [
                  {"name": "a", "steps": 7, "sources": [{"format": "text", "path": "a.txt"}]},
                  {"name": "a", "steps": 7, "sources": [{"format": "text", "path": "b.txt"}]}]}
                """);

        assertThatThrownBy(() -> RecipeCodec.read(file, this::open))
                .hasMessageStartingWith(file + ": recipe r: stage names must be unique");
        assertThat(opened).hasSize(2).allSatisfy(o -> assertThat(o.source().closed).isEqualTo(1));
    }

    static Stream<Arguments> malformedRecipes() {
        String src = "{\"format\": \"text\", \"path\": \"a.txt\"}";
        String stage = "\"name\": \"sft\", \"steps\": 10, \"sources\": [" + src + "]";
        return Stream.of(
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + "}], \"seed\": 1}", "seed: unknown field"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"lr\": 1}]}", "stages[0].lr: unknown field"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": [" + src
                        + ", {\"format\": \"text\", \"path\": \"b.txt\", \"wieght\": 2}]}]}",
                        "stages[0].sources[1].wieght: unknown field"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"held_out\": "
                        + "{\"format\": \"text\", \"path\": \"v.txt\", \"weight\": 1}}]}", "stages[0].held_out.weight: unknown field"),
                Arguments.of("{\"stages\": [{" + stage + "}]}", "name: missing"),
                Arguments.of("{\"name\": \"r\"}", "stages: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": []}", "stages: must be a non-empty array"),
                Arguments.of("{\"name\": \"r\", \"stages\": [3]}", "stages[0]: must be a JSON object, got 3"),
                Arguments.of("{\"name\": 3, \"stages\": [{" + stage + "}]}", "name: must be a non-blank string, got 3"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"steps\": 10, \"sources\": [" + src + "]}]}",
                        "stages[0].name: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10}]}",
                        "stages[0].sources: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"sources\": [" + src + "]}]}",
                        "stages[0].steps: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"path\": \"a.txt\"}]}]}", "stages[0].sources[0].format: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"format\": \"text\"}]}]}", "stages[0].sources[0].path: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"format\": \"csv\", \"path\": \"a.csv\"}]}]}",
                        "stages[0].sources[0].format: must be one of llava, solo_pretraining, image_folder, "
                                + "labelled_images, text, got \"csv\""),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"format\": \"text\", \"path\": \"a.txt\", \"weight\": 0}]}]}",
                        "stages[0].sources[0].weight: must be > 0"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"format\": \"text\", \"path\": \"a.txt\", \"shuffle_buffer\": -1}]}]}",
                        "stages[0].sources[0].shuffle_buffer: must be >= 0"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": 10, \"sources\": "
                        + "[{\"format\": \"text\", \"path\": \"a.txt\", \"malformed\": \"ignore\"}]}]}",
                        "stages[0].sources[0].malformed: must be one of skip, fail"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{\"name\": \"sft\", \"steps\": \"10\", \"sources\": ["
                        + src + "]}]}", "stages[0].steps: must be an integer, got \"10\""),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"micro_batch_size\": 2.5}]}",
                        "stages[0].micro_batch_size: must be an integer, got 2.5"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"learning_rate\": \"fast\"}]}",
                        "stages[0].learning_rate: must be a number"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"betas\": [0.9]}]}",
                        "stages[0].betas: must be an array of two numbers"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"frozen\": \"model.\"}]}",
                        "stages[0].frozen: must be an array"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"frozen\": [\"a\", 1]}]}",
                        "stages[0].frozen[1]: must be a non-empty string"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"decay_norms_and_embeddings\": \"yes\"}]}",
                        "stages[0].decay_norms_and_embeddings: must be true or false"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"loss\": \"answers\"}]}",
                        "stages[0].loss: must be one of answers_only, all_text, got \"answers\""),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"template\": \"chatml\"}]}",
                        "stages[0].template: must be one of solo7b, plain"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"non_finite_loss\": \"continue\"}]}",
                        "stages[0].non_finite_loss: must be one of stop, skip_step"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"init_from\": 5}]}",
                        "stages[0].init_from: must be a path string"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"evaluate_every\": 5}]}",
                        "stages[0].evaluate_every: needs held_out"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"held_out\": {\"path\": \"v.txt\"}}]}",
                        "stages[0].held_out.format: missing"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"sequences_per_step\": 8, "
                        + "\"micro_batch_size\": 3}]}",
                        "stages[0]: stage sft: sequencesPerStep (8) must be a multiple of microBatchSize (3)"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"learning_rate\": 1e-5, "
                        + "\"min_learning_rate\": 1e-4}]}", "stages[0]: stage sft: need 0 <= minLearningRate"),
                Arguments.of("{\"name\": \"r\", \"stages\": [{" + stage + ", \"betas\": [0.9, 1.0]}]}",
                        "stages[0]: stage sft: beta1 and beta2 must be in [0, 1)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedRecipes")
    void everyErrorNamesTheFileAndTheField(String json, String expected) throws IOException {
        Path file = recipe(json);

        assertThatThrownBy(() -> RecipeCodec.read(file, this::open)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(file + ": " + expected);
    }

    @Test
    void invalidJsonNamesTheFileAndPosition() throws IOException {
        Path file = recipe("{\"name\": \"r\",\n \"stages\": [}");

        assertThatThrownBy(() -> RecipeCodec.read(file, this::open)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(file + ": not valid JSON: ").hasMessageContaining("line 2");
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        Path file = recipe("{\"name\": \"r\", \"name\": \"s\", \"stages\": []}");

        assertThatThrownBy(() -> RecipeCodec.read(file, this::open)).hasMessageStartingWith(file + ": not valid JSON: ")
                .hasMessageContaining("name");
    }

    @Test
    void aMissingFileOrAnArrayIsNamed() throws IOException {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> RecipeCodec.read(missing, this::open)).isInstanceOf(InvalidInputException.class)
                .hasMessage(missing + ": recipe file not found");

        Path array = recipe("[]");
        assertThatThrownBy(() -> RecipeCodec.read(array, this::open))
                .hasMessage(array + ": a recipe must be a JSON object, got an empty array");
    }

    @Test
    void relativePathsResolveAgainstTheRecipeFolderNotTheWorkingDirectory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("recipes"));
        Path file = sub.resolve("r.json");
        Files.writeString(file, """
                {"name": "r", "stages": [{"name": "sft", "steps": 1,
                  "sources": [{"format": "llava", "path": "../data/t.json", "image_root": "../img"}]}]}
                """);

        RecipeCodec.read(file, this::open);

        assertThat(opened.get(0).path()).isEqualTo(dir.resolve("data/t.json"));
        assertThat(opened.get(0).imageRoot()).isEqualTo(dir.resolve("img"));
    }

    @Test
    void theExamplesInTheRecipeDocumentationParse() throws IOException {
        Path doc = Path.of("..", "docs", "RECIPE.md");
        Assumptions.assumeTrue(Files.isRegularFile(doc), "run from solo-impl, next to ../docs");
        String text = Files.readString(doc);
        List<String> examples = new ArrayList<>();
        for (int start = text.indexOf("```json\n"); start >= 0; start = text.indexOf("```json\n", start + 1)) {
            examples.add(text.substring(start + 8, text.indexOf("```", start + 8)));
        }

        assertThat(examples).hasSize(2);
        assertThat(read(examples.get(0)).stages()).extracting(Stage::name).containsExactly("stage1", "stage2", "sft");
        assertThat(read(examples.get(1)).stages().get(0).lossRule()).isEqualTo(LossRule.ANSWERS_ONLY);
    }

    @Test
    void readsRealDataThroughSampleSources() throws IOException {
        Files.writeString(dir.resolve("corpus.txt"), "first line\nsecond line\nthird line\n");
        Path file = recipe("""
                {"name": "text-only", "stages": [{"name": "lm", "steps": 3, "loss": "all_text",
                  "sources": [{"format": "text", "path": "corpus.txt", "shuffle_buffer": 2}],
                  "held_out": {"format": "text", "path": "corpus.txt"}, "evaluate_every": 1}]}
                """);

        Recipe recipe = RecipeCodec.read(file);

        Stage stage = recipe.stages().get(0);
        List<TrainingSample> samples = new ArrayList<>();
        try (SampleSource source = stage.mixture().get(0).source(); SampleSource heldOut = stage.heldOut()) {
            source.forEach(samples::add);
            assertThat(heldOut).hasSize(3);
        }
        assertThat(samples).hasSize(3).allSatisfy(s -> assertThat(s.kind()).isEqualTo(TrainingSample.Kind.TEXT));
    }
}
