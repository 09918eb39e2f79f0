package ai.solo.impl.train.recipe;

import ai.solo.InvalidInputException;
import ai.solo.SoloException;
import ai.solo.generate.ChatTemplate;
import ai.solo.generate.ChatTemplates;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.MalformedRecords;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Reads a training recipe from JSON (schema and defaults: {@code docs/RECIPE.md}).
 *
 * <pre>{@code
 * {"name": "sft", "stages": [{"name": "sft", "steps": 500, "loss": "answers_only",
 *   "sources": [{"format": "llava", "path": "data/train.json", "image_root": "images"}]}]}
 * }</pre>
 *
 * <p>Keys are snake_case; a key the schema does not know, a value of the wrong type or a
 * missing required field fails with an {@link InvalidInputException} naming the file and the
 * field's path, e.g. {@code recipe.json: stages[0].sources[1].wieght: unknown field}. Values
 * left out take the defaults of {@link Stage#builder(String)}. Relative paths resolve against
 * the recipe file's folder.
 *
 * <p>The whole file is checked before any data is touched; then each source is opened with
 * {@link SampleSources#read(DataFormat, Path, Path, MalformedRecords)} (which checks the file
 * exists but reads nothing yet) and, unless {@code shuffle_buffer} is 0, wrapped in
 * {@link SampleSources#shuffled} with a seed derived from the stage and source positions, so a
 * recipe always shuffles the same way. Stateless and thread-safe.
 */
public final class RecipeCodec {
    /** Samples a training source's shuffle buffer holds unless the recipe says otherwise. */
    public static final int DEFAULT_SHUFFLE_BUFFER = 10_000;

    private static final long MAX_BYTES = 16L << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> RECIPE_KEYS = Set.of("name", "stages");
    private static final Set<String> STAGE_KEYS = Set.of("name", "sources", "loss", "template", "steps", "pack_length",
            "sequences_per_step", "micro_batch_size", "learning_rate", "min_learning_rate", "warmup_steps",
            "weight_decay", "decay_norms_and_embeddings", "betas", "epsilon", "clip_norm", "frozen", "init_from",
            "held_out", "evaluate_every", "non_finite_loss", "epochs");
    private static final Set<String> SOURCE_KEYS = Set.of("format", "path", "image_root", "weight", "shuffle_buffer",
            "malformed");
    private static final Set<String> HELD_OUT_KEYS = Set.of("format", "path", "image_root", "malformed");

    /** Stage.builder's defaults, read from a built stage so they are written down in one place only. */
    private static final Stage DEFAULTS = Stage.builder("defaults").source(SampleSources.of("none", List.of()), 1)
            .build();

    /** Opens a data source; {@link SampleSources#read} outside tests. */
    @FunctionalInterface
    interface SourceOpener {
        SampleSource open(DataFormat format, Path path, Path imageRoot, MalformedRecords policy);
    }

    /** A source as the file describes it, not opened yet. */
    private record SourceSpec(String field, DataFormat format, Path path, Path imageRoot, double weight,
            int shuffleBuffer, MalformedRecords policy) {
    }

    /** A stage as the file describes it: its settings, and its sources to open. */
    private record StageSpec(String field, String name, Consumer<Stage.Builder> settings, List<SourceSpec> sources,
            SourceSpec heldOut, int evaluateEvery) {
    }

    private RecipeCodec() {
    }

    /**
     * @param file the recipe JSON file
     * @return the recipe, its sources opened (lazily read)
     * @throws InvalidInputException naming the file and field when the file is missing or
     *     malformed, a stage is invalid or a data source cannot be opened
     */
    public static Recipe read(Path file) {
        return read(file, SampleSources::read);
    }

    /**
     * @param file the recipe JSON file
     * @param opener opens each source
     * @return the recipe
     */
    static Recipe read(Path file, SourceOpener opener) {
        return new Reader(file).recipe(parse(file), opener);
    }

    private static JsonNode parse(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new InvalidInputException(file + ": is a folder, not a recipe file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidInputException(file + ": too large for a recipe (over " + (MAX_BYTES >> 20) + " MiB)");
            }
            return MAPPER.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": recipe file not found", e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new InvalidInputException(file + ": not valid JSON: " + e.getOriginalMessage() + where, e);
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot read the recipe: " + e, e);
        }
    }

    /**
     * A splitmix64 mix of the stage and source positions: distinct, well spread shuffle seeds.
     *
     * @param stage 0-based stage index
     * @param source 0-based source index within the stage
     * @return the shuffle seed of that source
     */
    static long shuffleSeed(int stage, int source) {
        long z = ((long) stage << 32 | source) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Parsing of one file: knows the file for error messages and its folder for relative paths. */
    private static final class Reader {
        private final Path file;
        private final Path base;

        Reader(Path file) {
            this.file = file;
            Path parent = file.toAbsolutePath().getParent();
            this.base = parent == null ? Path.of("").toAbsolutePath() : parent;
        }

        Recipe recipe(JsonNode root, SourceOpener opener) {
            if (root == null || !root.isObject()) {
                throw new InvalidInputException(file + ": a recipe must be a JSON object, got " + kind(root));
            }
            checkKeys(root, "", RECIPE_KEYS);
            String name = requiredName(root, "", "name");
            JsonNode stagesNode = required(root, "", "stages");
            if (!stagesNode.isArray() || stagesNode.isEmpty()) {
                throw error("stages", "must be a non-empty array of stages, got " + kind(stagesNode));
            }
            List<StageSpec> specs = new ArrayList<>();
            for (int i = 0; i < stagesNode.size(); i++) {
                specs.add(stage(stagesNode.get(i), "stages[" + i + "]"));
            }
            return open(name, specs, opener);
        }

        /** Parses a stage and checks its settings (with a placeholder source) before any data is opened. */
        private StageSpec stage(JsonNode node, String at) {
            requireObject(node, at);
            checkKeys(node, at, STAGE_KEYS);
            String name = requiredName(node, at, "name");
            JsonNode sourcesNode = required(node, at, "sources");
            if (!sourcesNode.isArray() || sourcesNode.isEmpty()) {
                throw error(at + ".sources", "must be a non-empty array of sources, got " + kind(sourcesNode));
            }
            List<SourceSpec> sources = new ArrayList<>();
            for (int i = 0; i < sourcesNode.size(); i++) {
                sources.add(source(sourcesNode.get(i), at + ".sources[" + i + "]", SOURCE_KEYS));
            }
            SourceSpec heldOut = has(node, "held_out") ? source(node.get("held_out"), at + ".held_out", HELD_OUT_KEYS)
                    : null;
            int evaluateEvery = has(node, "evaluate_every")
                    ? integer(node, at, "evaluate_every", 0) : DEFAULTS.evaluateEvery();
            if (heldOut == null && has(node, "evaluate_every")) {
                throw error(at + ".evaluate_every", "needs held_out samples to evaluate on");
            }
            Consumer<Stage.Builder> settings = settings(node, at);
            try {
                Stage.Builder check = Stage.builder(name).source(SampleSources.of("placeholder", List.of()), 1);
                settings.accept(check);
                check.build();
            } catch (InvalidInputException e) {
                throw new InvalidInputException(file + ": " + at + ": " + e.getMessage(), e);
            }
            return new StageSpec(at, name, settings, sources, heldOut, evaluateEvery);
        }

        /** Every setting but the data, read and type-checked now, applied to a builder later. */
        private Consumer<Stage.Builder> settings(JsonNode node, String at) {
            LossRule loss = has(node, "loss") ? choice(node, at, "loss", LossRule.values()) : DEFAULTS.lossRule();
            ChatTemplate template = has(node, "template") ? template(node, at) : DEFAULTS.template();
            // "epochs" replaces "steps": the trainer derives the step count from the data
            double epochs = has(node, "epochs") ? number(node, at, "epochs") : 0;
            int steps = epochs > 0 && !has(node, "steps") ? DEFAULTS.steps()
                    : integer(required(node, at, "steps"), at + ".steps", 1);
            int packLength = has(node, "pack_length") ? integer(node, at, "pack_length", 1) : DEFAULTS.packLength();
            int sequences = has(node, "sequences_per_step")
                    ? integer(node, at, "sequences_per_step", 1) : DEFAULTS.sequencesPerStep();
            int micro = has(node, "micro_batch_size")
                    ? integer(node, at, "micro_batch_size", 1) : DEFAULTS.microBatchSize();
            double lr = has(node, "learning_rate") ? number(node, at, "learning_rate") : DEFAULTS.learningRate();
            double minLr = has(node, "min_learning_rate")
                    ? number(node, at, "min_learning_rate") : DEFAULTS.minLearningRate();
            int warmup = has(node, "warmup_steps") ? integer(node, at, "warmup_steps", 0) : DEFAULTS.warmupSteps();
            double decay = has(node, "weight_decay") ? number(node, at, "weight_decay") : DEFAULTS.weightDecay();
            boolean decayAll = has(node, "decay_norms_and_embeddings")
                    ? bool(node, at, "decay_norms_and_embeddings") : DEFAULTS.decayNormsAndEmbeddings();
            double[] betas = has(node, "betas") ? betas(node, at) : new double[] {DEFAULTS.beta1(), DEFAULTS.beta2()};
            double epsilon = has(node, "epsilon") ? number(node, at, "epsilon") : DEFAULTS.epsilon();
            double clip = has(node, "clip_norm") ? number(node, at, "clip_norm") : DEFAULTS.clipNorm();
            Set<String> frozen = has(node, "frozen") ? frozen(node, at) : DEFAULTS.frozen();
            Path initFrom = has(node, "init_from") ? path(node, at, "init_from") : DEFAULTS.initFrom();
            Stage.NonFiniteLoss nonFinite = has(node, "non_finite_loss")
                    ? choice(node, at, "non_finite_loss", Stage.NonFiniteLoss.values()) : DEFAULTS.nonFiniteLoss();
            return b -> b.lossRule(loss).template(template).steps(steps).packLength(packLength).batch(sequences, micro)
                    .learningRate(lr, minLr, warmup).weightDecay(decay, decayAll).adam(betas[0], betas[1], epsilon)
                    .clipNorm(clip).frozen(frozen).initFrom(initFrom).nonFiniteLoss(nonFinite).epochs(epochs);
        }

        private SourceSpec source(JsonNode node, String at, Set<String> keys) {
            requireObject(node, at);
            checkKeys(node, at, keys);
            DataFormat format = choice(required(node, at, "format"), at + ".format", DataFormat.values());
            required(node, at, "path");
            Path path = path(node, at, "path");
            Path imageRoot = has(node, "image_root") ? path(node, at, "image_root") : null;
            double weight = 1.0;
            if (has(node, "weight")) {
                weight = number(node, at, "weight");
                if (!(weight > 0)) {
                    throw error(at + ".weight", "must be > 0, got " + node.get("weight"));
                }
            }
            int shuffle = keys.contains("shuffle_buffer")
                    ? (has(node, "shuffle_buffer") ? integer(node, at, "shuffle_buffer", 0) : DEFAULT_SHUFFLE_BUFFER)
                    : 0;
            MalformedRecords policy = has(node, "malformed")
                    ? choice(node, at, "malformed", MalformedRecords.values()) : MalformedRecords.SKIP;
            return new SourceSpec(at, format, path, imageRoot, weight, shuffle, policy);
        }

        /** Opens every source and builds the stages; on failure closes what was opened. */
        private Recipe open(String name, List<StageSpec> specs, SourceOpener opener) {
            List<SampleSource> opened = new ArrayList<>();
            try {
                List<Stage> stages = new ArrayList<>();
                for (int s = 0; s < specs.size(); s++) {
                    StageSpec spec = specs.get(s);
                    Stage.Builder b = Stage.builder(spec.name());
                    for (int i = 0; i < spec.sources().size(); i++) {
                        SourceSpec src = spec.sources().get(i);
                        SampleSource source = open(src, opener, opened);
                        if (src.shuffleBuffer() > 0) {
                            source = SampleSources.shuffled(source, src.shuffleBuffer(), shuffleSeed(s, i));
                        }
                        b.source(source, src.weight());
                    }
                    if (spec.heldOut() != null) {
                        b.heldOut(open(spec.heldOut(), opener, opened), spec.evaluateEvery());
                    }
                    spec.settings().accept(b);
                    stages.add(build(spec.field(), b));
                }
                try {
                    return new Recipe(name, stages);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(file + ": " + e.getMessage(), e);
                }
            } catch (RuntimeException | Error e) {
                for (SampleSource source : opened) {
                    try {
                        source.close();
                    } catch (RuntimeException closing) {
                        e.addSuppressed(closing);
                    }
                }
                throw e;
            }
        }

        private SampleSource open(SourceSpec src, SourceOpener opener, List<SampleSource> opened) {
            SampleSource source;
            try {
                source = opener.open(src.format(), src.path(), src.imageRoot(), src.policy());
            } catch (SoloException | UncheckedIOException e) {
                throw new InvalidInputException(file + ": " + src.field() + ": " + e.getMessage(), e);
            }
            opened.add(source);
            return source;
        }

        private Stage build(String at, Stage.Builder b) {
            try {
                return b.build();
            } catch (InvalidInputException e) {
                throw new InvalidInputException(file + ": " + at + ": " + e.getMessage(), e);
            }
        }

        private InvalidInputException error(String field, String message) {
            return new InvalidInputException(file + ": " + field + ": " + message);
        }

        private static String field(String at, String key) {
            return at.isEmpty() ? key : at + "." + key;
        }

        private static boolean has(JsonNode node, String key) {
            return node.has(key) && !node.get(key).isNull();
        }

        private void requireObject(JsonNode node, String at) {
            if (!node.isObject()) {
                throw error(at, "must be a JSON object, got " + kind(node));
            }
        }

        private void checkKeys(JsonNode node, String at, Set<String> known) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!known.contains(key)) {
                    throw error(field(at, key), "unknown field (known: "
                            + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
            }
        }

        private JsonNode required(JsonNode node, String at, String key) {
            if (!has(node, key)) {
                throw error(field(at, key), "missing (required)");
            }
            return node.get(key);
        }

        private String requiredName(JsonNode node, String at, String key) {
            JsonNode n = required(node, at, key);
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw error(field(at, key), "must be a non-blank string, got " + kind(n));
            }
            return n.textValue();
        }

        private int integer(JsonNode node, String at, String key, int min) {
            return integer(node.get(key), field(at, key), min);
        }

        private int integer(JsonNode n, String field, int min) {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw error(field, "must be an integer, got " + kind(n));
            }
            if (n.intValue() < min) {
                throw error(field, "must be >= " + min + ", got " + n.intValue());
            }
            return n.intValue();
        }

        private double number(JsonNode node, String at, String key) {
            JsonNode n = node.get(key);
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                throw error(field(at, key), "must be a number, got " + kind(n));
            }
            return n.doubleValue();
        }

        private boolean bool(JsonNode node, String at, String key) {
            JsonNode n = node.get(key);
            if (!n.isBoolean()) {
                throw error(field(at, key), "must be true or false, got " + kind(n));
            }
            return n.booleanValue();
        }

        private Path path(JsonNode node, String at, String key) {
            JsonNode n = node.get(key);
            if (!n.isTextual() || n.textValue().isBlank()) {
                throw error(field(at, key), "must be a path string, got " + kind(n));
            }
            try {
                return base.resolve(n.textValue()).normalize();
            } catch (InvalidPathException e) {
                throw error(field(at, key), "not a valid path: " + e.getMessage());
            }
        }

        private <E extends Enum<E>> E choice(JsonNode node, String at, String key, E[] values) {
            return choice(node.get(key), field(at, key), values);
        }

        private <E extends Enum<E>> E choice(JsonNode n, String field, E[] values) {
            String names = Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            if (n.isTextual()) {
                for (E v : values) {
                    if (v.name().equalsIgnoreCase(n.textValue())) {
                        return v;
                    }
                }
            }
            throw error(field, "must be one of " + names + ", got " + kind(n));
        }

        private ChatTemplate template(JsonNode node, String at) {
            JsonNode n = node.get("template");
            if (n.isTextual() && n.textValue().equalsIgnoreCase("solo7b")) {
                return ChatTemplates.solo7B();
            }
            if (n.isTextual() && n.textValue().equalsIgnoreCase("plain")) {
                return ChatTemplates.plain();
            }
            throw error(field(at, "template"), "must be one of solo7b, plain, got " + kind(n));
        }

        private double[] betas(JsonNode node, String at) {
            JsonNode n = node.get("betas");
            if (!n.isArray() || n.size() != 2 || !n.get(0).isNumber() || !n.get(1).isNumber()) {
                throw error(field(at, "betas"), "must be an array of two numbers [beta1, beta2], got " + kind(n));
            }
            return new double[] {n.get(0).doubleValue(), n.get(1).doubleValue()};
        }

        private Set<String> frozen(JsonNode node, String at) {
            JsonNode n = node.get("frozen");
            if (!n.isArray()) {
                throw error(field(at, "frozen"), "must be an array of parameter name prefixes, got " + kind(n));
            }
            Set<String> prefixes = new LinkedHashSet<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode item = n.get(i);
                if (!item.isTextual() || item.textValue().isEmpty()) {
                    throw error(field(at, "frozen") + "[" + i + "]", "must be a non-empty string, got " + kind(item));
                }
                prefixes.add(item.textValue());
            }
            return prefixes;
        }

        /** A short description of a value for messages: the value itself when small. */
        private static String kind(JsonNode n) {
            if (n == null || n.isMissingNode()) {
                return "nothing";
            }
            if (n.isObject()) {
                return "an object";
            }
            if (n.isArray()) {
                return n.isEmpty() ? "an empty array" : "an array";
            }
            String s = n.toString();
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
    }
}
