package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.solo.CheckpointException;
import ai.solo.EngineException;
import ai.solo.InvalidInputException;
import ai.solo.Logits;
import ai.solo.ModelBatch;
import ai.solo.ModelOptions;
import ai.solo.SaveOptions;
import ai.solo.SoloConfig;
import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.impl.config.ConfigCodec;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.io.SafetensorsCheckpoint;
import ai.solo.impl.text.HfSoloTokenizer;
import ai.solo.text.SoloTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SoloModel} on DJL's PyTorch engine.
 *
 * <p>Memory: one root {@link NDManager} owns the weights; every forward pass runs in a
 * sub-manager that is closed before the call returns, so repeated calls do not grow native
 * memory. Concurrent {@link #logits} and {@link #save} calls are safe (the weights are only
 * read); {@link #close} waits for them, so weights are never freed under a running call.
 */
public final class DjlSoloModel implements SoloModel {
    private static final Logger logger = LoggerFactory.getLogger(DjlSoloModel.class);

    private final SoloConfig config;
    private final ModelOptions options;
    private final ModelWeights weights;
    private final SoloTransformer transformer;
    /** Calls hold the read side; close() takes the write side, so it waits for calls in flight. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;
    private volatile SoloTokenizer tokenizer;
    private volatile boolean ownsTokenizer;

    private DjlSoloModel(SoloConfig config, ModelOptions options, ModelWeights weights, SoloTokenizer tokenizer) {
        this.config = config;
        this.options = options;
        this.weights = weights;
        this.transformer = new SoloTransformer(config, weights, options.attentionBlock());
        this.tokenizer = tokenizer;
        this.ownsTokenizer = tokenizer != null;
    }

    /**
     * @param dir checkpoint folder
     * @param options device and precision
     * @return the loaded model
     */
    public static DjlSoloModel load(Path dir, ModelOptions options) {
        requireNonNull(dir, "dir");
        requireNonNull(options, "options");
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a checkpoint folder (it does not exist or is a file)");
        }
        long start = System.nanoTime();
        SoloConfig config = ConfigCodec.read(dir.resolve("config.json"));
        NDManager manager = Engines.newManager(options);
        SoloTokenizer tokenizer = null;
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir)) {
            ModelWeights weights = WeightLoader.load(checkpoint, config, manager, Engines.dataType(options.precision()));
            if (Files.exists(dir.resolve("tokenizer.json"))) {
                tokenizer = HfSoloTokenizer.load(dir);
                checkTokenizer(tokenizer, config, dir);
            }
            logger.info("Loaded SOLO model from {} ({} parameters, {}) in {} ms", dir, config.parameterCount(),
                    options, (System.nanoTime() - start) / 1_000_000);
            return new DjlSoloModel(config, options, weights, tokenizer);
        } catch (RuntimeException e) {
            manager.close();
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw wrap(e, dir);
        }
    }

    /**
     * @param config the model shape
     * @param seed seed of the random weights
     * @param options device and precision
     * @return a fresh model
     */
    public static DjlSoloModel create(SoloConfig config, long seed, ModelOptions options) {
        requireNonNull(config, "config");
        requireNonNull(options, "options");
        NDManager manager = Engines.newManager(options);
        try {
            ModelWeights weights = WeightInitializer.random(config, seed, manager, Engines.dataType(options.precision()));
            logger.info("Created SOLO model with {} random parameters (seed {}, {})", config.parameterCount(), seed, options);
            return new DjlSoloModel(config, options, weights, null);
        } catch (RuntimeException e) {
            manager.close();
            throw e instanceof SoloException ? e : new EngineException("creating a model of " + config
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public SoloConfig config() {
        return config;
    }

    @Override
    public ModelOptions options() {
        return options;
    }

    @Override
    public Optional<SoloTokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    @Override
    public void attachTokenizer(SoloTokenizer newTokenizer) {
        requireNonNull(newTokenizer, "tokenizer");
        checkTokenizer(newTokenizer, config, null);
        withOpenModel(() -> {
            SoloTokenizer previous = tokenizer;
            boolean ownedPrevious = ownsTokenizer;
            tokenizer = newTokenizer;
            ownsTokenizer = false;
            if (ownedPrevious && previous != null && previous != newTokenizer) {
                previous.close();
            }
            return null;
        });
    }

    @Override
    public Logits logits(ModelBatch batch) {
        requireNonNull(batch, "batch");
        return withOpenModel(() -> {
            try (NDManager scope = weights.manager().newSubManager()) {
                NDArray logits = transformer.forward(batch, scope);
                return new Logits(batch.batchSize(), batch.seqLen(), config.vocabSize(), logits.toFloatArray());
            } catch (SoloException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new EngineException("forward pass failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void save(Path dir, SaveOptions saveOptions) {
        requireNonNull(dir, "dir");
        requireNonNull(saveOptions, "options");
        withOpenModel(() -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new SoloException("cannot create checkpoint folder " + dir + ": " + e.getMessage(), e);
            }
            WeightExporter.write(weights, dir, saveOptions);
            ConfigCodec.write(config.toBuilder().torchDtype(WeightExporter.torchDtype(saveOptions.weightType())).build(),
                    dir.resolve("config.json"));
            SoloTokenizer tok = tokenizer;
            if (tok != null) {
                tok.saveTo(dir);
            } else if (Files.exists(dir.resolve("tokenizer.json"))) {
                logger.warn("{} keeps a tokenizer.json from before: this model has no tokenizer to replace it", dir);
            }
            logger.info("Saved SOLO model to {} ({})", dir, saveOptions);
            return null;
        });
    }

    /** @return the network, for generation and training in this module */
    public SoloTransformer transformer() {
        return transformer;
    }

    /** @return the parameters, for training and export in this module */
    public ModelWeights weights() {
        return weights;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            weights.close();
            if (ownsTokenizer && tokenizer != null) {
                tokenizer.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Runs a call while the model cannot be closed under it: the weights stay valid until the
     * call returns. For generation and training steps in this module.
     *
     * @param call the work
     * @param <T> its result type
     * @return its result
     * @throws IllegalStateException if the model is closed
     */
    public <T> T withOpenModel(Supplier<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("SOLO model is closed");
            }
            return call.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new InvalidInputException(name + " must not be null");
        }
    }

    private static void checkTokenizer(SoloTokenizer tok, SoloConfig config, Path dir) {
        if (tok.vocabSize() > config.vocabSize()) {
            String problem = "tokenizer has " + tok.vocabSize() + " ids but the model's vocab_size is " + config.vocabSize();
            if (dir == null) {
                throw new InvalidInputException(problem);
            }
            throw new CheckpointException(dir.resolve("tokenizer.json") + ": " + problem);
        }
    }

    private static RuntimeException wrap(RuntimeException e, Path dir) {
        if (e instanceof SoloException) {
            return e;
        }
        return new EngineException("loading " + dir + " failed: " + e.getMessage(), e);
    }
}
