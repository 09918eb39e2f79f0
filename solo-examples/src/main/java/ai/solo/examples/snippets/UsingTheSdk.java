package ai.solo.examples.snippets;

import ai.solo.ModelOptions;
import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.TensorType;
import ai.solo.eval.Benchmark;
import ai.solo.eval.EvaluationReport;
import ai.solo.eval.Evaluator;
import ai.solo.eval.ScalingLaw;
import ai.solo.eval.ScalingMetric;
import ai.solo.eval.ScalingPoint;
import ai.solo.eval.TrainingCurve;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.train.DataFormat;
import ai.solo.train.LossRule;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingSample;
import ai.solo.train.TrainingSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The code of the README's "Using the SDK" section. Each {@code tag::NAME[]} ...
 * {@code end::NAME[]} region appears there verbatim (common indentation removed), and
 * {@code ReadmeSnippetsTest} fails when the two drift apart, so every snippet in the README
 * compiles against the current API. Paths name the user's files: these methods are compiled,
 * not run.
 */
final class UsingTheSdk {

    private UsingTheSdk() {
    }

    /** Loads a checkpoint and answers a question about an image. */
    static void loadAndGenerate() {
        // tag::load-and-generate[]
        try (SoloModel model = SoloModel.load(Path.of("SOLO-7B"))) {      // config.json, safetensors, tokenizer.json
            Generator generator = Generator.create(model);                 // SOLO-7B's chat format, KV cache
            Prompt prompt = Prompt.builder()
                    .image(Path.of("cat.jpg"))                             // resized, normalised, 32x32 patches
                    .text("What is in the picture?")
                    .build();
            GenerationResult answer = generator.generate(prompt, GenerationConfig.greedy());
            System.out.println(answer.text() + " (" + answer.finishReason() + ")");
        }
        // end::load-and-generate[]
    }

    /**
     * Streams a sampled answer, then asks a follow-up question.
     *
     * @param generator a model's generator
     */
    static void stream(Generator generator) {
        // tag::stream[]
        GenerationConfig sampled = GenerationConfig.builder()
                .doSample(true).temperature(0.7).topP(0.9).seed(42).maxNewTokens(200)
                .build();
        Conversation chat = Conversation.of(Prompt.builder()
                .image(Path.of("chart.png")).text("Which bar is highest?").build());
        StringBuilder answer = new StringBuilder();
        try (Stream<String> pieces = generator.stream(chat, sampled)) {   // decoded as you read; close cancels
            pieces.forEach(piece -> {
                System.out.print(piece);
                answer.append(piece);
            });
        }
        // the model keeps no state: a follow-up sends the whole conversation again
        Conversation followUp = chat.continueWith(answer.toString(), Prompt.of("And the lowest?"));
        generator.generate(followUp, sampled, token -> {                   // push style; return false to stop
            System.out.print(token.text());
            return true;
        });
        // end::stream[]
    }

    /** Fine-tunes a checkpoint on LLaVA-format conversations. */
    static void fineTune() {
        // tag::fine-tune[]
        try (SoloModel model = SoloModel.load(Path.of("SOLO-7B"));
                SampleSource data = SampleSources.read(DataFormat.LLAVA, Path.of("train.json"), Path.of("images"))) {
            Stage sft = Stage.builder("sft")
                    .source(SampleSources.shuffled(data, 10_000, 42), 1.0)  // bounded shuffle buffer
                    .lossRule(LossRule.ANSWERS_ONLY)                        // loss on the answers only
                    .epochs(1).packLength(2048).batch(8, 2)                 // 8 packed rows a step, 2 per pass
                    .learningRate(1e-5, 0, 30)                              // warm-up, then cosine to 0
                    .build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(sft)).outputDir(Path.of("runs/sft"))
                    .checkpointEvery(100).progress(System.out).build()) {
                TrainingSummary summary = trainer.run();
                System.out.println("loss " + summary.finalLoss() + ", checkpoint " + summary.checkpoint());
            }
            model.save(Path.of("SOLO-7B-mine"));                            // the model alone, no optimizer state
        }
        // end::fine-tune[]
    }

    /** Runs SOLO's staged recipe: three pre-training stages, then instruction tuning. */
    static void stagedRecipe() {
        // tag::staged-recipe[]
        try (SampleSource labelled = SampleSources.read(DataFormat.IMAGE_FOLDER, Path.of("imagenet-21k"), null);
                SampleSource text = SampleSources.read(DataFormat.TEXT, Path.of("slimpajama.jsonl"), null);
                SampleSource captions = SampleSources.read(DataFormat.SOLO_PRETRAINING, Path.of("captions.jsonl"), null);
                SampleSource annealing = SampleSources.read(DataFormat.LLAVA, Path.of("anneal.json"), Path.of("images"));
                SampleSource instructions = SampleSources.read(DataFormat.LLAVA, Path.of("sft.json"), Path.of("images"));
                SoloModel model = SoloModel.create(SoloConfig.solo7B(), 42)) {    // random weights, SOLO-7B's shape
            Recipe recipe = Recipe.solo7B(labelled, text, captions, annealing, instructions);
            try (Trainer trainer = Trainer.builder(model, recipe).outputDir(Path.of("runs/solo"))
                    .checkpointEvery(200).resume(true)                      // continues after a crash
                    .progress(System.out).build()) {
                trainer.run();                                              // runs/solo/{stage1,stage2,stage3,sft}
            }
        }
        // end::staged-recipe[]
    }

    /** Trains on several GPUs in float16 with activation checkpointing and long packed rows. */
    static void trainAtScale() {
        // tag::train-at-scale[]
        ModelOptions options = ModelOptions.defaults().withDevice("gpu:0");   // float32 master weights
        try (SoloModel model = SoloModel.load(Path.of("my-solo"), options);
                SampleSource data = SampleSources.read(DataFormat.LLAVA, Path.of("train.json"), Path.of("images"))) {
            Stage sft = Stage.builder("sft").source(data, 1.0).lossRule(LossRule.ANSWERS_ONLY)
                    .steps(2_000).packLength(32_768).batch(8, 1)                 // 8 rows of 32k tokens a step
                    .learningRate(1e-5, 0, 50).build();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(sft)).outputDir(Path.of("runs/big"))
                    .devices("gpu:0", "gpu:1", "gpu:2", "gpu:3")                 // data parallel: 2 rows per GPU
                    .mixedPrecision(true)                                        // float16 compute, loss scaling
                    .activationCheckpointing(true)                               // keep layer inputs only
                    .checkpointEvery(200).resume(true).build()) {
                trainer.run();
            }
        }
        // end::train-at-scale[]
    }

    /**
     * Scores a benchmark per category and fits the paper's scaling law to a training run.
     *
     * @param model the model to evaluate
     */
    static void evaluate(SoloModel model) {
        // tag::evaluate[]
        Evaluator evaluator = Evaluator.builder(model).maxNewTokens(16).build();
        // JSONL lines: {"image": "...", "question": "...", "choices": [...], "answer": "B", "category": "..."}
        EvaluationReport report = evaluator.evaluate(Benchmark.read(Path.of("bench.jsonl"), Path.of("images")));
        System.out.println(report.table());    // per category: choice log-likelihood, letter match, EM, F1

        TrainingCurve run = TrainingCurve.read(Path.of("runs/sft/metrics.jsonl"));
        List<ScalingPoint> points = run.points(ScalingMetric.EVAL, 0);  // held-out loss by tokens seen
        ScalingLaw law = ScalingLaw.fit(points);                        // L(D) = (Dc / D)^alpha
        System.out.printf("alpha %.3f, Dc %.3g tokens, R^2 %.3f%n", law.alpha(), law.criticalTokens(), law.rSquared());
        // end::evaluate[]
    }

    /**
     * Saves a model in Hugging Face layout.
     *
     * @param model the model to save
     */
    static void save(SoloModel model) {
        // tag::save[]
        model.save(Path.of("my-solo"));                           // config.json, model.safetensors (float32), tokenizer
        model.save(Path.of("my-solo-bf16"), SaveOptions.defaults()
                .withWeightType(TensorType.BF16)                  // as SOLO-7B ships
                .withMaxShardBytes(5L << 30));                    // 5 GB shards + model.safetensors.index.json
        try (SoloModel reloaded = SoloModel.load(Path.of("my-solo-bf16"))) {
            System.out.println(reloaded.parameterCount() + " parameters");
        }
        // end::save[]
    }
}
