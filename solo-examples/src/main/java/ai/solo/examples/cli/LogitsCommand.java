package ai.solo.examples.cli;

import ai.solo.InvalidInputException;
import ai.solo.Logits;
import ai.solo.ModelBatch;
import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloModel;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo logits}: one forward pass over inputs in the reference code's tensor layout
 * ({@code input_ids [B, T]}, {@code vision_patch_indices [B, T]}, {@code vision_patches [N, 3*P*P]}).
 */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Run the model on input_ids, vision_patch_indices and vision_patches; write logits f32 [B, T, V].")
final class LogitsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint folder.")
    Path model;

    @Option(names = "--input", required = true, description = "Safetensors with input_ids, vision_patch_indices, vision_patches.")
    Path input;

    @Option(names = "--out", required = true, description = "Output safetensors file (logits).")
    Path out;

    @Option(names = "--precision", defaultValue = "FLOAT32", description = "FLOAT32 or FLOAT16 (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Logits logits = logits(model, input, out, new ModelOptions(device, precision));
        spec.commandLine().getOut().printf("logits [%d, %d, %d] -> %s%n",
                logits.batchSize(), logits.seqLen(), logits.vocabSize(), out);
        return 0;
    }

    /**
     * @param modelDir checkpoint folder
     * @param input input tensors file
     * @param out output file
     * @param options device and precision
     * @return the logits written
     */
    static Logits logits(Path modelDir, Path input, Path out, ModelOptions options) {
        ModelBatch batch = readBatch(input);
        try (SoloModel model = SoloModel.load(modelDir, options)) {
            Logits logits = model.logits(batch);
            TensorFiles.write(out, Map.of("logits",
                    Tensor.ofFloats(logits.values(), logits.batchSize(), logits.seqLen(), logits.vocabSize())));
            return logits;
        }
    }

    static ModelBatch readBatch(Path input) {
        Map<String, Tensor> tensors = TensorFiles.read(input);
        Tensor ids = require(tensors, "input_ids", input);
        long[] shape = ids.shape();
        if (shape.length != 2) {
            throw new InvalidInputException(input + ": input_ids must be [B, T], got " + Arrays.toString(shape));
        }
        int b = Math.toIntExact(shape[0]);
        int t = Math.toIntExact(shape[1]);
        int[] patchIdx;
        if (tensors.containsKey("vision_patch_indices")) {
            Tensor idx = tensors.get("vision_patch_indices");
            if (!Arrays.equals(idx.shape(), shape)) {
                throw new InvalidInputException(input + ": vision_patch_indices has shape " + Arrays.toString(idx.shape())
                        + ", input_ids " + Arrays.toString(shape));
            }
            patchIdx = idx.toInts();
        } else {
            patchIdx = new int[b * t];
            Arrays.fill(patchIdx, -1);
        }
        float[] patches = new float[0];
        int dim = 0;
        if (tensors.containsKey("vision_patches")) {
            Tensor p = tensors.get("vision_patches");
            if (p.shape().length != 2) {
                throw new InvalidInputException(input + ": vision_patches must be [N, 3*P*P], got " + Arrays.toString(p.shape()));
            }
            patches = p.toFloats();
            dim = Math.toIntExact(p.shape()[1]);
        }
        int[] mask = new int[b * t];
        if (tensors.containsKey("attention_mask")) {
            mask = tensors.get("attention_mask").toInts();
        } else {
            Arrays.fill(mask, 1);
        }
        return new ModelBatch(b, t, ids.toInts(), patchIdx, patches, dim, mask, null);
    }

    private static Tensor require(Map<String, Tensor> tensors, String name, Path file) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new InvalidInputException(file + ": no tensor " + name + " (found " + tensors.keySet() + ")");
        }
        return t;
    }
}
