package ai.solo.tests.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
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
