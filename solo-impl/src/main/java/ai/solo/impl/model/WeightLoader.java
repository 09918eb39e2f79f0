package ai.solo.impl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.solo.CheckpointException;
import ai.solo.SoloConfig;
import ai.solo.impl.io.DType;
import ai.solo.impl.io.SafetensorsCheckpoint;
import ai.solo.impl.io.TensorInfo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves checkpoint tensors from memory-mapped safetensors into engine memory, checking each
 * name and shape before anything is allocated for it.
 *
 * <p>F32 and F16 tensors go straight from the mapping to the engine (one native copy, none on
 * the Java heap). BF16 and F64 are converted to float32 in bounded chunks, because the engine
 * must never see bfloat16.
 *
 * <p>Every tensor is checked for NaN and infinity once it is in engine memory: a checkpoint saved
 * from a diverged run would otherwise load silently and generate garbage ({@link FiniteValues}).
 */
public final class WeightLoader {
    private static final Logger logger = LoggerFactory.getLogger(WeightLoader.class);

    private WeightLoader() {
    }

    /**
     * @param checkpoint an opened checkpoint
     * @param config the shape the tensors must have
     * @param manager owner of the new arrays
     * @param type element type to hold the weights in
     * @return the weights
     * @throws CheckpointException naming file and tensor on a missing tensor, wrong shape or
     *     dtype, or a NaN or infinite value
     */
    public static ModelWeights load(SafetensorsCheckpoint checkpoint, SoloConfig config, NDManager manager,
            DataType type) {
        Map<String, long[]> expected = TensorNames.expectedShapes(config);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorInfo info = checkpoint.info(e.getKey());
            if (!Arrays.equals(info.shape(), e.getValue())) {
                throw new CheckpointException(info.file() + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(info.shape()) + ", the config needs " + Arrays.toString(e.getValue()));
            }
            if (!info.dtype().isConvertibleToFloat32()) {
                throw new CheckpointException(info.file() + ": tensor " + e.getKey() + " has dtype "
                        + info.dtype() + ", expected a floating-point type (F32, F16, BF16, F64)");
            }
        }
        for (String name : checkpoint.names()) {
            if (!expected.containsKey(name)) {
                logger.warn("Ignoring tensor {} of the checkpoint: SOLO has no such parameter", name);
            }
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        ChunkedFill converter = new ChunkedFill();
        for (String name : expected.keySet()) {
            TensorInfo info = checkpoint.info(name);
            NDArray array = read(checkpoint, info, manager, type, converter);
            array.setName(name);
            requireFinite(array, info, type);
            tensors.put(name, array);
        }
        return new ModelWeights(manager, tensors, config);
    }

    private static void requireFinite(NDArray array, TensorInfo info, DataType type) {
        String problem = FiniteValues.problem(array);
        if (problem == null) {
            return;
        }
        boolean narrowed = type == DataType.FLOAT16 && info.dtype() != DType.F16;
        throw new CheckpointException(info.file() + ": tensor " + info.name() + " holds " + problem + " values"
                + (narrowed ? " in float16: the checkpoint holds NaN or infinity, or values beyond float16's range"
                        + " (65504); load it in FLOAT32" : "; the checkpoint was saved from a diverged run or is corrupt"));
    }

    private static NDArray read(SafetensorsCheckpoint checkpoint, TensorInfo info, NDManager manager, DataType type,
            ChunkedFill converter) {
        Shape shape = new Shape(info.shape());
        if (info.dtype() == DType.F32 || info.dtype() == DType.F16) {
            DataType stored = info.dtype() == DType.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
            ByteBuffer mapped = checkpoint.data(info.name());
            // the staged array aliases the read-only mapping, which is unmapped once collected
            try (NDArray staged = manager.create(mapped, shape, stored)) {
                return Ops.ownedCopy(staged, type);
            }
        }
        // BF16 and F64: the engine must never see bfloat16, so convert to float32 chunk by chunk
        return converter.fill(manager, shape, type, (first, dst) -> checkpoint.readAsFloat32(info.name(), first, dst));
    }
}
