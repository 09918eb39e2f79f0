package ai.solo.spi;

import ai.solo.ModelOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.eval.Benchmark;
import ai.solo.eval.Evaluator;
import ai.solo.eval.ScalingLaw;
import ai.solo.eval.ScalingPoint;
import ai.solo.eval.TrainingCurve;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.image.ImagePatcher;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.Trainer;
import ai.solo.io.Tensor;
import ai.solo.text.SoloTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Service-provider interface of an SDK implementation. {@code solo-impl} registers one in
 * {@code META-INF/services/ai.solo.spi.SoloProvider}; application code never calls it
 * directly but goes through the static factories of the API types ({@link SoloModel#load},
 * {@link ImagePatcher#builder()}, {@link SoloTokenizer#load}).
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface SoloProvider {

    /** @return a short name of this implementation, for logs and error messages */
    String name();

    /**
     * @param dir checkpoint folder with {@code config.json} and safetensors weights
     * @param options device and precision
     * @return the loaded model
     */
    SoloModel load(Path dir, ModelOptions options);

    /**
     * @param config the model shape
     * @param seed seed of the random initial weights
     * @param options device and precision
     * @return a freshly initialised model
     */
    SoloModel create(SoloConfig config, long seed, ModelOptions options);

    /**
     * @param settings validated patch size, resolution and pixel limits
     * @return an image patcher with those settings
     */
    ImagePatcher imagePatcher(ImagePatcher.Settings settings);

    /**
     * @param path a {@code tokenizer.json} file or a folder holding one
     * @return the tokenizer with SOLO's vision tokens present
     */
    SoloTokenizer loadTokenizer(Path path);

    /**
     * @param file a Hugging Face {@code config.json}
     * @return the parsed config
     */
    SoloConfig readConfig(Path file);

    /**
     * @param config the config to write
     * @param file destination, replaced atomically
     */
    void writeConfig(SoloConfig config, Path file);

    /**
     * @param file a safetensors file
     * @return its tensors, in file order
     */
    Map<String, Tensor> readTensors(Path file);

    /**
     * @param file destination, replaced atomically
     * @param tensors tensors in write order
     */
    void writeTensors(Path file, Map<String, Tensor> tensors);

    /**
     * @param settings model, chat template, patcher and image layout
     * @return a generator for the model
     */
    Generator generator(Generator.Settings settings);

    /**
     * @param file a Hugging Face {@code generation_config.json}
     * @return the decoding options it holds
     */
    GenerationConfig readGenerationConfig(Path file);

    /**
     * @param format the file format
     * @param path file or folder
     * @param imageRoot root of relative image paths, or null
     * @param policy what to do with malformed records
     * @return a lazily read source
     */
    SampleSource readSamples(DataFormat format, Path path, Path imageRoot, MalformedRecords policy);

    /**
     * @param settings validated trainer settings
     * @return a trainer
     */
    Trainer trainer(Trainer.Settings settings);

    /**
     * @param file a recipe JSON file
     * @return the recipe
     */
    Recipe readRecipe(Path file);

    /**
     * @param settings validated evaluator settings
     * @return an evaluator for the model
     */
    Evaluator evaluator(Evaluator.Settings settings);

    /**
     * @param file a benchmark JSONL file
     * @param imageRoot folder image paths are relative to, or null for the file's folder
     * @return the benchmark
     */
    Benchmark readBenchmark(Path file, Path imageRoot);

    /**
     * @param metricsFile a trainer's {@code metrics.jsonl}
     * @return the losses against training tokens
     */
    TrainingCurve readTrainingCurve(Path metricsFile);

    /**
     * @param png destination, replaced atomically
     * @param law the fitted law
     * @param points the points it was fitted to
     * @param valueName what the points measure
     */
    void writeScalingPlot(Path png, ScalingLaw law, List<ScalingPoint> points, String valueName);
}
