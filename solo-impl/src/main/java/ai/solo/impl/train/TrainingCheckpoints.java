package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.CheckpointException;
import ai.solo.SoloException;
import ai.solo.TensorType;
import ai.solo.impl.io.AtomicFiles;
import ai.solo.impl.io.SafetensorsFile;
import ai.solo.impl.io.SafetensorsWriter;
import ai.solo.impl.io.TensorEntry;
import ai.solo.impl.io.TensorInfo;
import ai.solo.impl.model.DjlSoloModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash-safe training checkpoints: a Hugging Face model folder plus {@code trainer_state/}
 * (optimizer moments as safetensors, position as JSON), written into a hidden temporary folder
 * and renamed into place in one step, so a process killed at any moment leaves every earlier
 * checkpoint complete. Only complete checkpoints (with {@code trainer_state/state.json}) are
 * ever resumed from.
 */
final class TrainingCheckpoints {
    private static final Logger logger = LoggerFactory.getLogger(TrainingCheckpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATE = "trainer_state";
    /** Periodic checkpoints kept; older ones are deleted once a newer one is in place. */
    private static final int KEEP = 2;

    /**
     * Where a run stands.
     *
     * @param stageIndex stage position in the recipe
     * @param stage stage name
     * @param step optimizer steps done in the stage
     * @param adamSteps optimizer update count (bias correction)
     * @param drawn samples drawn from the stage's mixture
     * @param pending whether the last drawn sample waits for the next row
     * @param stageComplete whether the stage has finished
     * @param lossScale mixed precision's loss scale (1 without)
     * @param lossScaleGoodSteps overflow-free steps since the loss scale last changed
     */
    record Position(int stageIndex, String stage, long step, long adamSteps, long drawn, boolean pending,
            boolean stageComplete, double lossScale, int lossScaleGoodSteps) {
    }

    private final Path root;

    TrainingCheckpoints(Path root) {
        this.root = root;
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param name folder name under the output folder
     * @param model the model
     * @param optimizer its optimizer, or null after a stage (no moments needed)
     * @param position where the run stands
     * @return the checkpoint folder
     */
    Path save(String name, DjlSoloModel model, AdamW optimizer, Position position) {
        Path target = root.resolve(name);
        Path tmp = root.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(root);
            model.save(tmp);
            Path state = Files.createDirectories(tmp.resolve(STATE));
            if (optimizer != null) {
                List<TensorEntry> entries = new ArrayList<>();
                optimizer.firstMoments().forEach((k, a) -> entries.add(entry("exp_avg." + k, a)));
                optimizer.secondMoments().forEach((k, a) -> entries.add(entry("exp_avg_sq." + k, a)));
                SafetensorsWriter.write(state.resolve("optimizer.safetensors"), entries, Map.of("format", "pt"));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("stage_index", position.stageIndex());
            json.put("stage", position.stage());
            json.put("step", position.step());
            json.put("adam_steps", position.adamSteps());
            json.put("drawn", position.drawn());
            json.put("pending", position.pending());
            json.put("stage_complete", position.stageComplete());
            json.put("loss_scale", position.lossScale());
            json.put("loss_scale_good_steps", position.lossScaleGoodSteps());
            AtomicFiles.write(state.resolve("state.json"), out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, json));
            // the old folder of that name is moved aside, not deleted, until the new one is in place
            Path old = null;
            if (Files.exists(target)) {
                old = root.resolve("." + name + "." + UUID.randomUUID() + ".old");
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (old != null) {
                deleteQuietly(old);
            }
            prune();
            return target;
        } catch (IOException e) {
            throw new SoloException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    /** @return the newest complete checkpoint and its position, if any */
    Optional<Map.Entry<Path, Position>> newest() {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        removeLeftovers();
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
                    .filter(d -> Files.isRegularFile(d.resolve(STATE).resolve("state.json")))
                    .map(d -> Map.entry(d, read(d)))
                    .max(Comparator.comparingInt((Map.Entry<Path, Position> e) -> e.getValue().stageIndex())
                            .thenComparing(e -> e.getValue().stageComplete())
                            .thenComparingLong(e -> e.getValue().step()));
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoints in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param dir a checkpoint folder
     * @return its position
     */
    Position read(Path dir) {
        Path file = dir.resolve(STATE).resolve("state.json");
        try {
            var n = JSON.readTree(file.toFile());
            return new Position(n.get("stage_index").asInt(), n.get("stage").asText(), n.get("step").asLong(),
                    n.get("adam_steps").asLong(), n.get("drawn").asLong(), n.get("pending").asBoolean(),
                    n.get("stage_complete").asBoolean(), n.path("loss_scale").asDouble(1.0),
                    n.path("loss_scale_good_steps").asInt(0));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": unreadable trainer state: " + e.getMessage(), e);
        }
    }

    /**
     * Loads optimizer moments of a checkpoint.
     *
     * @param dir the checkpoint
     * @param manager where the arrays go
     * @return {@code [first moments, second moments]} by parameter name
     */
    List<Map<String, NDArray>> moments(Path dir, NDManager manager) {
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        Path file = dir.resolve(STATE).resolve("optimizer.safetensors");
        if (Files.exists(file)) {
            try (SafetensorsFile st = SafetensorsFile.open(file)) {
                for (TensorInfo info : st.tensors().values()) {
                    try (NDArray staged = manager.create(st.data(info.name()), new Shape(info.shape()), DataType.FLOAT32)) {
                        NDArray owned = staged.duplicate();
                        String name = info.name();
                        if (name.startsWith("exp_avg_sq.")) {
                            second.put(name.substring("exp_avg_sq.".length()), owned);
                        } else {
                            first.put(name.substring("exp_avg.".length()), owned);
                        }
                    }
                }
            }
        }
        return List.of(first, second);
    }

    private static TensorEntry entry(String name, NDArray array) {
        return new TensorEntry(name, TensorType.F32, array.getShape().getShape(), out -> {
            ByteBuffer bytes = array.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
            SafetensorsWriter.writeFully(out, bytes);
        });
    }

    /** Removes temporary folders of saves a killed process left behind (never a complete checkpoint). */
    private void removeLeftovers() {
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> {
                String n = d.getFileName().toString();
                return n.startsWith(".") && (n.endsWith(".tmp") || n.endsWith(".old")) && Files.isDirectory(d);
            }).forEach(TrainingCheckpoints::deleteQuietly);
        } catch (IOException e) {
            logger.warn("Could not list {} for leftovers: {}", root, e.toString());
        }
    }

    /** Deletes all but the newest {@value #KEEP} periodic checkpoints. */
    private void prune() throws IOException {
        List<Path> periodic = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> d.getFileName().toString().startsWith("checkpoint-"))
                    .filter(d -> Files.isRegularFile(d.resolve(STATE).resolve("state.json")))
                    .forEach(periodic::add);
        }
        periodic.sort(Comparator.comparingInt((Path d) -> read(d).stageIndex()).thenComparingLong(d -> read(d).step()));
        for (int i = 0; i < periodic.size() - KEEP; i++) {
            deleteTree(periodic.get(i));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            logger.warn("Could not remove temporary checkpoint {}: {}", dir, e.toString());
        }
    }
}
