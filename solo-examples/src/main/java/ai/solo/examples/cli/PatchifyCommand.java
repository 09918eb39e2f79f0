package ai.solo.examples.cli;

import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.io.Tensor;
import ai.solo.io.TensorFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code solo patchify}: an image to SOLO's normalised patches, as the model sees them. */
@Command(name = "patchify", mixinStandardHelpOptions = true,
        description = "Cut an image into SOLO patches; writes vision_patches [N, 3*P*P] f32 and grid [rows, cols] i64.")
final class PatchifyCommand implements Callable<Integer> {
    @Option(names = "--image", required = true, description = "Image file (JPEG, PNG, BMP, GIF, WebP).")
    Path image;

    @Option(names = "--patch-size", defaultValue = "32", description = "Patch side P (default: ${DEFAULT-VALUE}).")
    int patchSize;

    @Option(names = "--max-resolution", defaultValue = "1024",
            description = "Longest side after resizing (default: ${DEFAULT-VALUE}).")
    int maxResolution;

    @Option(names = "--out", required = true, description = "Output safetensors file.")
    Path out;

    @Option(names = "--png", description = "Also write a PNG of the patch grid.")
    Path png;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ImagePatches patches = patchify(image, patchSize, maxResolution, out, png);
        spec.commandLine().getOut().printf("%s: %dx%d -> %dx%d pixels, %d x %d patches of %d values -> %s%n",
                image, patches.sourceWidth(), patches.sourceHeight(), patches.grid().width(), patches.grid().height(),
                patches.grid().rows(), patches.grid().cols(), patches.patchDim(), out);
        return 0;
    }

    /**
     * @param image the image file
     * @param patchSize P
     * @param maxResolution longest side after resizing
     * @param out safetensors destination
     * @param png optional grid picture destination
     * @return the patches written
     */
    static ImagePatches patchify(Path image, int patchSize, int maxResolution, Path out, Path png) {
        ImagePatcher patcher = ImagePatcher.builder().patchSize(patchSize).maxResolution(maxResolution).build();
        ImagePatches patches = patcher.patchify(image);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("vision_patches", Tensor.ofFloats(patches.values(), patches.count(), patches.patchDim()));
        tensors.put("grid", Tensor.ofLongs(new long[] {patches.grid().rows(), patches.grid().cols()}, 2));
        TensorFiles.write(out, tensors);
        if (png != null) {
            patcher.writeGridPng(patches, png);
        }
        return patches;
    }
}
