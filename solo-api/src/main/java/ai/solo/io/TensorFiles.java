package ai.solo.io;

import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes small safetensors files of {@link Tensor}s: model inputs, patches, logits.
 * Checkpoints are loaded through {@link ai.solo.SoloModel#load} instead, which keeps weights
 * out of the Java heap.
 *
 * <pre>{@code
 * Map<String, Tensor> in = TensorFiles.read(Path.of("expected.safetensors"));
 * int[] ids = in.get("input_ids").toInts();
 * }</pre>
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    /**
     * @param file a safetensors file
     * @return its tensors by name, in file order
     * @throws ai.solo.CheckpointException naming the file and tensor when it is malformed
     */
    public static Map<String, Tensor> read(Path file) {
        return SoloProviders.get().readTensors(file);
    }

    /**
     * Writes a safetensors file atomically (temporary file, then rename).
     *
     * @param file destination
     * @param tensors tensors by name, written in map order
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        SoloProviders.get().writeTensors(file, tensors);
    }
}
