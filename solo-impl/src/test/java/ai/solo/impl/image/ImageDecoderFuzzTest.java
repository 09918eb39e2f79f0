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

    /** Pixel values 0 and 255 after ImageNet normalisation: -0.485 / 0.229 and (1 - 0.406) / 0.225. */
    private static final float LOWEST = -2.1180f;
    private static final float HIGHEST = 2.6401f;

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
        for (float v : patches.values()) {
            if (!(v >= LOWEST && v <= HIGHEST)) {
                throw new AssertionError("patch value " + v + " outside [" + LOWEST + ", " + HIGHEST + "]");
            }
        }
    }
}
