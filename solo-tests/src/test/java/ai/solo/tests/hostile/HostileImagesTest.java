package ai.solo.tests.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the hostile corpus, through the public {@link ImagePatcher}: each is refused
 * with an {@link InvalidInputException} that names what is wrong, or decodes to valid patches.
 * None may throw anything else, hang, or allocate what a header claims before checking it.
 */
class HostileImagesTest {
    /** The corpus holds 100000 x 1 images: allowed, but nothing near a bomb's size. */
    private final ImagePatcher patcher = ImagePatcher.builder().maxPixels(40_000_000L).build();

    /** ImageNet normalisation of SPEC §2, undone to read colours back. */
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    @TempDir
    Path dir;

    static Stream<HostileImages.Entry> corpus() {
        return HostileImages.corpus().values().stream();
    }

    @Test
    void theCorpusHasThirtyFilesOrMore() {
        assertThat(HostileImages.corpus()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedClearlyOrDecodedCorrectly(HostileImages.Entry entry) throws IOException {
        Path file = Files.write(dir.resolve(entry.name() + (entry.name().endsWith("jpg") ? "" : ".img")),
                entry.bytes());

        Throwable thrown = catchThrowable(() -> assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            ImagePatches patches = patcher.patchify(file);
            checkPatches(entry, patches);
        }));

        if (entry.expect() == HostileImages.Expect.REFUSED) {
            assertThat(thrown).as(entry.name()).isInstanceOf(InvalidInputException.class);
            assertThat(thrown.getMessage()).as(entry.name()).contains(file.getFileName().toString());
        } else {
            assertThat(thrown).as(entry.name()).isNull();
        }
    }

    static Stream<String> colouredFiles() {
        return HostileImages.COLOURS.keySet().stream().sorted();
    }

    /** CMYK, animation, WebP and 16 bits are decoded to the colours they show, not merely to something. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("colouredFiles")
    void oddButValidFilesDecodeToTheirColour(String name) {
        Color expected = HostileImages.COLOURS.get(name);
        ImagePatches patches = patcher.patchify(HostileImages.corpus().get(name).bytes());

        int p = patches.grid().patchSize();
        float[] first = patches.patch(0);
        int[] rgb = new int[3];
        for (int channel = 0; channel < 3; channel++) {
            double sum = 0;
            for (int i = 0; i < p * p; i++) {
                sum += first[channel * p * p + i];
            }
            // undo the ImageNet normalisation of SPEC §2
            rgb[channel] = (int) Math.round((sum / (p * p) * STD[channel] + MEAN[channel]) * 255);
        }
        assertThat(rgb[0]).as(name + " red").isCloseTo(expected.getRed(), within(6));
        assertThat(rgb[1]).as(name + " green").isCloseTo(expected.getGreen(), within(6));
        assertThat(rgb[2]).as(name + " blue").isCloseTo(expected.getBlue(), within(6));
    }

    private static void checkPatches(HostileImages.Entry entry, ImagePatches patches) {
        assertThat(patches.grid().count()).as(entry.name()).isPositive();
        assertThat(patches.values()).as(entry.name()).hasSize(patches.grid().count() * patches.grid().patchDim());
        for (float v : patches.values()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError(entry.name() + ": a non-finite patch value");
            }
        }
    }
}
