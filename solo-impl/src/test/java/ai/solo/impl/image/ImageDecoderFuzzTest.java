package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the image path every untrusted picture takes: signature sniffing,
 * header checks, the ImageIO readers (JDK and TwelveMonkeys), colour conversion, resizing and
 * patch extraction. Whatever the bytes, {@link DefaultImagePatcher#patchify(byte[])} returns
 * whole, finite patches of the planned grid or throws an {@link InvalidInputException}; any
 * other exception, error or hang is a finding.
 *
 * <p>The seeds in {@code src/test/resources/ai/solo/impl/image/ImageDecoderFuzzTestInputs} are
 * tiny JPEG (baseline, progressive, gray, CMYK), PNG (RGB, RGBA, palette with transparency,
 * 16-bit gray), GIF, BMP and WebP (lossy, lossless) files, so the fuzzer starts inside every
 * reader. A plain test run replays them; {@code JAZZER_FUZZ=1} fuzzes (see docs/RELIABILITY.md).
 */
class ImageDecoderFuzzTest {
    /** Small limits keep each input fast; the checks they guard are the same at any size. */
    private static final DefaultImagePatcher PATCHER = new DefaultImagePatcher(
            new ImagePatcher.Settings(8, 64, 1L << 20, 1L << 20));

    /** Each channel's values for pixels 0 and 255 after ImageNet normalisation, with a little slack. */
    private static final float[] LOWEST = new float[3];
    private static final float[] HIGHEST = new float[3];

    static {
        for (int c = 0; c < 3; c++) {
            LOWEST[c] = (0 - PatchExtractor.MEAN[c]) / PatchExtractor.STD[c] - 1e-4f;
            HIGHEST[c] = (1 - PatchExtractor.MEAN[c]) / PatchExtractor.STD[c] + 1e-4f;
        }
    }

    @FuzzTest(maxDuration = "20s")
    void decoderRefusesOrPatchesAnyBytes(byte[] bytes) {
        ImagePatches patches;
        try {
            patches = PATCHER.patchify(bytes);
        } catch (InvalidInputException expected) {
            return; // a clear refusal is a correct answer to hostile bytes
        }
        if (!patches.grid().equals(PATCHER.plan(patches.sourceWidth(), patches.sourceHeight()))) {
            throw new AssertionError("grid " + patches.grid() + " is not the plan for " + patches.sourceWidth() + "x"
                    + patches.sourceHeight());
        }
        if (patches.values().length != patches.count() * patches.patchDim()) {
            throw new AssertionError(patches.values().length + " values for " + patches.count() + " patches");
        }
        // each patch is channel-major: P*P red values, then green, then blue
        int plane = patches.patchDim() / 3;
        float[] values = patches.values();
        for (int i = 0; i < values.length; i++) {
            int c = i % patches.patchDim() / plane;
            if (!(values[i] >= LOWEST[c] && values[i] <= HIGHEST[c])) {
                throw new AssertionError("channel " + c + " value " + values[i] + " outside [" + LOWEST[c] + ", "
                        + HIGHEST[c] + "]");
            }
        }
    }
}
