package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.solo.InvalidInputException;
import ai.solo.Precision;
import ai.solo.SoloException;
import ai.solo.image.ImagePatcher;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.impl.model.FiniteValues;
import ai.solo.impl.model.ModelWeights;
import ai.solo.impl.model.TensorNames;
import ai.solo.impl.train.listen.ConsoleProgress;
import ai.solo.impl.train.listen.JsonlMetrics;
import ai.solo.impl.train.listen.LossCurvePng;
import ai.solo.text.ImageClose;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import ai.solo.train.ComputeOptions;
import ai.solo.train.Recipe;
import ai.solo.train.Stage;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import ai.solo.train.TrainingSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Trainer} on the DJL model: packs samples into rows, runs forward and backward
 * ({@link Backprop}, optionally with activation checkpointing) on one or more replicas
 * ({@link DataParallel}, float16 copies under mixed precision with a {@link LossScaler}) with
 * gradient accumulation, clips, and updates the float32 master weights with {@link AdamW} on a
 * warm-up + cosine schedule; checkpoints crash-safely and resumes exactly.
 *
 * <p>Memory: every micro-batch runs in an {@link NDScope} on a sub-manager, closed before the
 * next, so a long run does not grow; the loss applies the output head only at target positions.
 */
public final class DjlTrainer implements Trainer {
    private static final Logger logger = LoggerFactory.getLogger(DjlTrainer.class);
    /** Held-out rows evaluated at most, so an evaluation stays cheap. */
    private static final int MAX_EVAL_ROWS = 256;

    private final Settings settings;
    private final DjlSoloModel model;
    private final SoloTokenizer tokenizer;
    private final ExampleEncoder encoder;
    private final TrainingCheckpoints checkpoints;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<AutoCloseable> ownedListeners = new ArrayList<>();
    private final LossScaler scaler;
    private final Backprop backprop;
    private AdamW optimizer;
    private boolean closed;

    /**
     * @param settings validated settings
     * @throws InvalidInputException if the model is not this implementation's or has no tokenizer
     */
    public DjlTrainer(Settings settings) {
        if (!(settings.model() instanceof DjlSoloModel djl)) {
            throw new InvalidInputException("this trainer trains models made by SoloModel.load/create of the DJL "
                    + "implementation, got " + settings.model().getClass().getName());
        }
        this.settings = settings;
        this.model = djl;
        this.tokenizer = djl.tokenizer().orElseThrow(() -> new InvalidInputException(
                "the model has no tokenizer: training lays text out with it; attachTokenizer(...) first"));
        ImagePatcher patcher = ImagePatcher.builder().patchSize(djl.config().visionPatchSize()).build();
        this.encoder = new ExampleEncoder(tokenizer, patcher, ImageClose.VISION);
        this.checkpoints = new TrainingCheckpoints(settings.outputDir());
        ComputeOptions compute = settings.compute();
        if (compute.mixedPrecision() && djl.options().precision() != Precision.FLOAT32) {
            throw new InvalidInputException("mixedPrecision computes in float16 on copies of float32 master weights: "
                    + "load the model with Precision.FLOAT32 (it is " + djl.options().precision() + ")");
        }
        for (String device : compute.devices()) {
            Engines.device(device, Engines.pytorch()); // a missing GPU fails here, not mid-run
        }
        this.scaler = compute.mixedPrecision()
                ? LossScaler.dynamic(compute.initialLossScale(), compute.lossScaleGrowthInterval()) : LossScaler.none();
        this.backprop = compute.activationCheckpointing() ? Backprop.CHECKPOINTED : Backprop.FULL;
        if (settings.progress() != null) {
            listeners.add(new ConsoleProgress(settings.progress()));
        }
        Path metricsFile = settings.outputDir().resolve("metrics.jsonl");
        LossCurvePng curve = new LossCurvePng(settings.outputDir().resolve("loss.png"));
        if (settings.resume() && java.nio.file.Files.exists(metricsFile)) {
            curve.replay(metricsFile); // the picture covers the steps before the resume too
        }
        JsonlMetrics metrics = new JsonlMetrics(metricsFile);
        listeners.add(metrics);
        listeners.add(curve);
        ownedListeners.add(metrics);
        listeners.addAll(settings.listeners());
    }

    @Override
    public TrainingSummary run() {
        if (closed) {
            throw new IllegalStateException("trainer is closed");
        }
        // the model cannot be closed under a running training step
        return model.withOpenModel(this::runStages);
    }

    private TrainingSummary runStages() {
        Recipe recipe = settings.recipe();
        TrainingCheckpoints.Position resumeFrom = null;
        Path last = null;
        if (settings.resume()) {
            var newest = checkpoints.newest();
            if (newest.isPresent()) {
                resumeFrom = newest.get().getValue();
                last = newest.get().getKey(); // what the run ends with if nothing is left to train
                restoreWeights(newest.get().getKey());
                logger.info("Resuming from {} (stage {}, step {})", newest.get().getKey(), resumeFrom.stage(),
                        resumeFrom.step());
            }
        }
        long totalSteps = 0;
        long totalTokens = 0;
        double lastLoss = Double.NaN;
        double lastEval = Double.NaN;
        for (int s = 0; s < recipe.stages().size(); s++) {
            Stage stage = recipe.stages().get(s);
            TrainingCheckpoints.Position start = null;
            if (resumeFrom != null && resumeFrom.stageIndex() > s) {
                continue; // finished before the resume point
            }
            if (resumeFrom != null && resumeFrom.stageIndex() == s) {
                if (!resumeFrom.stage().equals(stage.name())) {
                    throw new InvalidInputException("cannot resume: the checkpoint is from stage '" + resumeFrom.stage()
                            + "' but stage " + s + " of the recipe is '" + stage.name() + "'");
                }
                if (resumeFrom.stageComplete()) {
                    continue;
                }
                start = resumeFrom;
            } else if (stage.initFrom() != null) {
                restoreWeights(stage.initFrom());
            }
            StageRun run = new StageRun(s, stage, start);
            StageRun.Result result = run.execute();
            totalSteps += result.steps();
            totalTokens += result.tokens();
            lastLoss = result.lastLoss();
            lastEval = Double.isNaN(result.heldOutLoss()) ? lastEval : result.heldOutLoss();
            last = result.checkpoint();
        }
        TrainingSummary summary = new TrainingSummary(totalSteps, totalTokens, lastLoss, lastEval, last);
        listeners.forEach(l -> l.onEnd(summary));
        return summary;
    }

    /** One stage from its first (or resumed) step to its last. */
    private final class StageRun {
        record Result(long steps, long tokens, double lastLoss, double heldOutLoss, Path checkpoint) {
        }

        private final int index;
        private final Stage stage;
        private final TrainingCheckpoints.Position start;
        private final Map<String, NDArray> trainable = new LinkedHashMap<>();
        private final Set<String> decayed = new LinkedHashSet<>();
        private DataParallel parallel;
        private final MixtureSampler sampler;
        private final Packer packer;
        private final int steps;
        private TokenSequence pending;

        StageRun(int index, Stage stage, TrainingCheckpoints.Position start) {
            this.index = index;
            this.stage = stage;
            this.start = start;
            this.sampler = new MixtureSampler(stage.mixture(), settings.seed() * 31 + index);
            this.packer = new Packer(stage.packLength());
            this.steps = stage.epochs() > 0 ? stepsForEpochs() : stage.steps();
        }

        /**
         * The steps that {@code epochs} passes over the data take: a dry run of the data pipeline
         * (the same seeded draws, encoding and packing, no model) counts the packed rows.
         */
        private int stepsForEpochs() {
            long total = 0;
            for (Stage.Mixture m : stage.mixture()) {
                for (TrainingSample ignored : m.source()) {
                    total++;
                }
            }
            long draws = (long) Math.ceil(stage.epochs() * total);
            MixtureSampler dry = new MixtureSampler(stage.mixture(), settings.seed() * 31 + index);
            Packer rows = new Packer(stage.packLength());
            long rowCount = 0;
            for (long i = 0; i < draws; i++) {
                TokenSequence seq = encode(dry.next());
                if (seq != null && rows.push(seq) != null) {
                    rowCount++;
                }
            }
            if (rows.hasRow()) {
                rowCount++;
            }
            int derived = (int) Math.max(1, (rowCount + stage.sequencesPerStep() - 1) / stage.sequencesPerStep());
            logger.info("Stage {}: {} epoch(s) of {} samples pack into {} rows: {} steps", stage.name(), stage.epochs(),
                    total, rowCount, derived);
            return derived;
        }

        Result execute() {
            parallel = replicas();
            selectTrainable();
            if (optimizer != null) {
                optimizer.close();
            }
            optimizer = new AdamW(model.weights().manager().newSubManager());
            long firstStep = 0;
            if (start != null) {
                List<Map<String, NDArray>> moments = checkpoints.moments(settings.outputDir().resolve(
                        checkpointName(start.step())), optimizer.manager());
                optimizer.restore(start.adamSteps(), moments.get(0), moments.get(1));
                scaler.restore(start.lossScale(), start.lossScaleGoodSteps());
                sampler.skip(start.drawn() - (start.pending() ? 1 : 0));
                if (start.pending()) {
                    pending = encodeNext();
                }
                firstStep = start.step();
            }
            TrainingListener.StageStart started = new TrainingListener.StageStart(stage.name(), index,
                    settings.recipe().stages().size(), steps, firstStep);
            listeners.forEach(l -> l.onStageStart(started));
            long tokens = 0;
            double lastLoss = Double.NaN;
            double heldOut = Double.NaN;
            try {
                for (long step = firstStep; step < steps; step++) {
                    TrainingListener.StepMetrics metrics = trainStep(step);
                    tokens += metrics.tokens();
                    lastLoss = metrics.loss();
                    listeners.forEach(l -> l.onStep(metrics));
                    long done = step + 1;
                    if (stage.heldOut() != null && stage.evaluateEvery() > 0 && done % stage.evaluateEvery() == 0
                            && done < steps) {
                        heldOut = evaluate(done);
                    }
                    if (settings.checkpointEvery() > 0 && done % settings.checkpointEvery() == 0 && done < steps) {
                        requireFiniteWeights(done);
                        Path dir = checkpoints.save(checkpointName(done), model, optimizer, position(done, false));
                        listeners.forEach(l -> l.onCheckpoint(dir, stage.name(), done));
                    }
                }
                if (stage.heldOut() != null) {
                    heldOut = evaluate(steps);
                }
                requireFiniteWeights(steps);
                Path dir = checkpoints.save(stage.name(), model, null, position(steps, true));
                listeners.forEach(l -> l.onCheckpoint(dir, stage.name(), steps));
                return new Result(steps - firstStep, tokens, lastLoss, heldOut, dir);
            } finally {
                parallel.close();
            }
        }

        /**
         * Under SKIP_STEP a fault that stays in the weights skips every later step; saving such
         * weights would rotate the last good checkpoints out, so the run stops instead.
         */
        private void requireFiniteWeights(long step) {
            String problem = FiniteValues.firstProblem(model.weights().all());
            if (problem != null) {
                throw new SoloException("stage " + stage.name() + ", step " + step + ": weight " + problem
                        + " is not finite; no checkpoint is written, so the last one in " + settings.outputDir()
                        + " stays intact");
            }
        }

        private String checkpointName(long step) {
            return String.format("checkpoint-%02d-%s-%07d", index, stage.name(), step);
        }

        private TrainingCheckpoints.Position position(long step, boolean complete) {
            return new TrainingCheckpoints.Position(index, stage.name(), step, optimizer.stepCount(), sampler.drawn(),
                    pending != null, complete, scaler.scale(), scaler.goodSteps());
        }

        /** The replicas gradients are computed on: the model itself unless devices or float16 say otherwise. */
        private DataParallel replicas() {
            ComputeOptions compute = settings.compute();
            List<String> devices = compute.devices().isEmpty() ? List.of(model.options().device()) : compute.devices();
            List<Replica> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < devices.size(); i++) {
                    ai.djl.Device device = Engines.device(devices.get(i), Engines.pytorch());
                    boolean own = device.equals(model.weights().manager().getDevice());
                    if (i == 0 && own && !compute.mixedPrecision()) {
                        replicas.add(Replica.of(model));
                    } else {
                        replicas.add(Replica.copy(model, device, compute.mixedPrecision() ? DataType.FLOAT16
                                : model.weights().dataType()));
                    }
                }
                return new DataParallel(model, replicas);
            } catch (RuntimeException e) {
                replicas.forEach(Replica::close);
                throw e;
            }
        }

        private void selectTrainable() {
            ModelWeights weights = model.weights();
            for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
                String name = e.getKey();
                boolean frozen = stage.frozen().stream().anyMatch(name::startsWith);
                if (!frozen) {
                    trainable.put(name, e.getValue());
                    boolean exempt = TensorNames.isNorm(name) || name.equals(TensorNames.EMBED_TOKENS)
                            || name.equals(TensorNames.EMBED_VISION_PATCH);
                    if (stage.decayNormsAndEmbeddings() || !exempt) {
                        decayed.add(name);
                    }
                }
            }
            if (trainable.isEmpty()) {
                throw new InvalidInputException("stage " + stage.name() + ": every parameter is frozen by " + stage.frozen());
            }
            parallel.train(trainable.keySet());
        }

        private TrainingListener.StepMetrics trainStep(long step) {
            long begin = System.nanoTime();
            double lr = LearningRateSchedule.at(stage, step, steps);
            List<PackedBatch> micro = new ArrayList<>(stage.accumulation());
            long stepTargets = 0;
            long stepTokens = 0;
            for (int m = 0; m < stage.accumulation(); m++) {
                PackedBatch b = nextBatch(stage.microBatchSize());
                micro.add(b);
                stepTargets += b.targetTokens();
                stepTokens += b.tokens();
            }
            double gradNorm;
            boolean skipped = false;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                double lossScale = scaler.scale();
                // every micro-batch divides by the step's target count: the accumulated
                // gradient is that of the mean over the whole step
                double lossSum = parallel.forwardBackward(micro, (float) (lossScale / Math.max(1, stepTargets)),
                        backprop);
                double loss = lossSum / Math.max(1, stepTargets);
                Map<String, NDArray> gradients = parallel.gradients(lossScale);
                gradNorm = Gradients.globalNorm(gradients.values());
                if (Double.isFinite(loss) && !Double.isFinite(gradNorm) && scaler.isDynamic()) {
                    scaler.overflow();
                    logger.info("Stage {} step {}: float16 gradients overflowed at loss scale {}; step skipped, "
                            + "scale now {}", stage.name(), step + 1, lossScale, scaler.scale());
                    skipped = true;
                } else if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                    String what = "loss " + loss + ", gradient norm " + gradNorm
                            + (Double.isFinite(gradNorm) ? "" : " (first non-finite gradient: "
                            + Gradients.firstNonFinite(gradients) + ")");
                    if (stage.nonFiniteLoss() == Stage.NonFiniteLoss.STOP) {
                        throw new SoloException("stage " + stage.name() + ", step " + (step + 1) + ": " + what
                                + "; stopping with the last checkpoint intact in " + settings.outputDir()
                                + " (set nonFiniteLoss SKIP_STEP, \"non_finite_loss\": \"skip_step\", to skip such steps)");
                    }
                    logger.warn("Stage {} step {}: {}; step skipped", stage.name(), step + 1, what);
                    scaler.overflow();
                    skipped = true;
                } else {
                    double clip = stage.clipNorm() > 0 && gradNorm > stage.clipNorm() ? stage.clipNorm() / gradNorm : 1.0;
                    optimizer.step(trainable, gradients, decayed, lr, stage.weightDecay(), stage.beta1(),
                            stage.beta2(), stage.epsilon(), clip);
                    parallel.broadcast();
                    scaler.stepTaken();
                }
                parallel.zeroGradients();
                return new TrainingListener.StepMetrics(stage.name(), step + 1, steps, loss, lr, gradNorm,
                        stepTokens, stepTargets, System.nanoTime() - begin, skipped);
            }
        }

        private double evaluate(long step) {
            HeldOutLoss.Result r = new HeldOutLoss(model, stage.lossRule(), stage.template(), stage.packLength(),
                    stage.microBatchSize()).compute(stage.heldOut(), MAX_EVAL_ROWS);
            TrainingListener.Evaluation e = new TrainingListener.Evaluation(stage.name(), step, r.loss(),
                    r.targetTokens());
            listeners.forEach(l -> l.onEvaluation(e));
            return r.loss();
        }

        /** The next micro-batch: {@code rows} packed rows of fresh samples. */
        private PackedBatch nextBatch(int rows) {
            List<List<TokenSequence>> out = new ArrayList<>(rows);
            while (out.size() < rows) {
                TokenSequence seq = pending != null ? pending : encodeNext();
                pending = null;
                if (!packer.offer(seq)) {
                    pending = seq;
                    out.add(packer.takeRow());
                }
            }
            return Packer.batch(out, stage.packLength());
        }

        private TokenSequence encodeNext() {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                TrainingSample sample = sampler.next();
                TokenSequence seq = encode(sample);
                if (seq != null) {
                    return seq;
                }
            }
            throw new InvalidInputException("stage " + stage.name() + ": 10,000 samples in a row could not be used");
        }

        private TokenSequence encode(TrainingSample sample) {
            try {
                TokenSequence seq = packer.fit(encoder.encode(sample, stage.lossRule(), stage.template()));
                if (seq == null) {
                    logger.warn("Skipping {}: its images need more than a row of {} tokens", sample.origin(),
                            stage.packLength());
                }
                return seq;
            } catch (InvalidInputException e) {
                // a sample its data cannot support (an unreadable image); engine errors stop the run
                logger.warn("Skipping {}: {}", sample.origin(), e.getMessage());
                return null;
            }
        }
    }

    /** Copies a checkpoint's weights into the model in place (its layers keep their arrays). */
    private void restoreWeights(Path dir) {
        try (DjlSoloModel source = DjlSoloModel.load(dir, model.options())) {
            if (!ai.solo.impl.model.TensorNames.expectedShapes(source.config()).keySet().equals(
                    ai.solo.impl.model.TensorNames.expectedShapes(model.config()).keySet())
                    || source.config().parameterCount() != model.config().parameterCount()) {
                throw new InvalidInputException(dir + ": checkpoint has another shape than the model being trained ("
                        + source.config() + " vs " + model.config() + ")");
            }
            Engines.withoutGradient(() -> {
                for (Map.Entry<String, NDArray> e : model.weights().all().entrySet()) {
                    NDArray src = source.weights().get(e.getKey());
                    // slice assignment copies (torch copy_); set(Buffer) could alias the source's memory
                    e.getValue().set(new ai.djl.ndarray.index.NDIndex(":"), src);
                }
            });
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (optimizer != null) {
                optimizer.close();
            }
            for (AutoCloseable c : ownedListeners) {
                try {
                    c.close();
                } catch (Exception e) {
                    logger.warn("Closing {} failed: {}", c, e.toString());
                }
            }
        }
    }
}
