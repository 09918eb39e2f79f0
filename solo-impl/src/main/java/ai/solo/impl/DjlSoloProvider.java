package ai.solo.impl;

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
import ai.solo.io.Tensor;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.Recipe;
import ai.solo.train.SampleSource;
import ai.solo.train.Trainer;
import ai.solo.impl.config.ConfigCodec;
import ai.solo.impl.config.GenerationConfigCodec;
import ai.solo.impl.eval.BenchmarkReader;
import ai.solo.impl.eval.DjlEvaluator;
import ai.solo.impl.eval.MetricsLogReader;
import ai.solo.impl.eval.ScalingPng;
import ai.solo.impl.generate.DjlGenerator;
import ai.solo.impl.image.DefaultImagePatcher;
import ai.solo.impl.io.HeapTensors;
import ai.solo.impl.train.DjlTrainer;
import ai.solo.impl.train.data.SampleReaders;
import ai.solo.impl.train.recipe.RecipeCodec;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.text.HfSoloTokenizer;
import ai.solo.spi.SoloProvider;
import ai.solo.text.SoloTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The SDK implementation on DJL's PyTorch engine, registered in
 * {@code META-INF/services/ai.solo.spi.SoloProvider}. Stateless and thread-safe.
 */
public final class DjlSoloProvider implements SoloProvider {

    /** Name for {@code -Dsolo.provider}. */
    public static final String NAME = "djl-pytorch";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SoloModel load(Path dir, ModelOptions options) {
        return DjlSoloModel.load(dir, options);
    }

    @Override
    public SoloModel create(SoloConfig config, long seed, ModelOptions options) {
        return DjlSoloModel.create(config, seed, options);
    }

    @Override
    public ImagePatcher imagePatcher(ImagePatcher.Settings settings) {
        return new DefaultImagePatcher(settings);
    }

    @Override
    public SoloTokenizer loadTokenizer(Path path) {
        return HfSoloTokenizer.load(path);
    }

    @Override
    public SoloConfig readConfig(Path file) {
        return ConfigCodec.read(file);
    }

    @Override
    public void writeConfig(SoloConfig config, Path file) {
        ConfigCodec.write(config, file);
    }

    @Override
    public Map<String, Tensor> readTensors(Path file) {
        return HeapTensors.read(file);
    }

    @Override
    public void writeTensors(Path file, Map<String, Tensor> tensors) {
        HeapTensors.write(file, tensors);
    }

    @Override
    public Generator generator(Generator.Settings settings) {
        return new DjlGenerator(settings);
    }

    @Override
    public GenerationConfig readGenerationConfig(Path file) {
        return GenerationConfigCodec.read(file);
    }

    @Override
    public SampleSource readSamples(DataFormat format, Path path, Path imageRoot, MalformedRecords policy) {
        return SampleReaders.read(format, path, imageRoot, policy);
    }

    @Override
    public Trainer trainer(Trainer.Settings settings) {
        return new DjlTrainer(settings);
    }

    @Override
    public Recipe readRecipe(Path file) {
        return RecipeCodec.read(file);
    }

    @Override
    public Evaluator evaluator(Evaluator.Settings settings) {
        return new DjlEvaluator(settings);
    }

    @Override
    public Benchmark readBenchmark(Path file, Path imageRoot) {
        return BenchmarkReader.read(file, imageRoot);
    }

    @Override
    public TrainingCurve readTrainingCurve(Path metricsFile) {
        return MetricsLogReader.read(metricsFile);
    }

    @Override
    public void writeScalingPlot(Path png, ScalingLaw law, List<ScalingPoint> points, String valueName) {
        ScalingPng.write(png, law, points, valueName);
    }
}
