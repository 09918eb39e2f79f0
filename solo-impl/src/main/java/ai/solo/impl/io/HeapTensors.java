package ai.solo.impl.io;

import ai.solo.CheckpointException;
import ai.solo.TensorType;
import ai.solo.io.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Safetensors files of small heap {@link Tensor}s (inputs, patches, logits), for
 * {@link ai.solo.io.TensorFiles}. Model weights take the memory-mapped path instead.
 */
public final class HeapTensors {
    /** Largest file read onto the heap; weights belong in {@link SafetensorsCheckpoint}. */
    private static final long MAX_TOTAL_BYTES = 1L << 30;

    private HeapTensors() {
    }

    /**
     * @param file a safetensors file
     * @return its tensors in file order
     * @throws CheckpointException naming file and tensor for unsupported dtypes or oversized files
     */
    public static Map<String, Tensor> read(Path file) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            long total = 0;
            for (TensorInfo info : st.tensors().values()) {
                total += info.byteSize();
                if (info.dtype().tensorType().isEmpty()) {
                    throw new CheckpointException(file + ": tensor " + info.name() + " has dtype " + info.dtype()
                            + "; supported here: F32, F16, BF16, I64, I32");
                }
            }
            if (total > MAX_TOTAL_BYTES) {
                throw new CheckpointException(file + ": " + total + " bytes of tensors is too much to read onto the heap");
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (TensorInfo info : st.tensors().values()) {
                byte[] bytes = new byte[(int) info.byteSize()];
                st.data(info.name()).get(bytes);
                out.put(info.name(), new Tensor(info.dtype().tensorType().get(), info.shape(), bytes));
            }
            return out;
        }
    }

    /**
     * @param file destination, replaced atomically
     * @param tensors tensors in write order
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        List<TensorEntry> entries = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            TensorType type = t.type();
            entries.add(new TensorEntry(e.getKey(), type, t.shape(), TensorData.of(ByteBuffer.wrap(t.data()))));
        }
        SafetensorsWriter.write(file, entries, Map.of("format", "pt"));
    }
}
