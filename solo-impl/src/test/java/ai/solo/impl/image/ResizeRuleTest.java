package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatcher;
import ai.solo.image.PatchGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResizeRuleTest {

    private static final ImagePatcher SOLO_7B =
            new DefaultImagePatcher(new ImagePatcher.Settings(32, 1024, 8192L * 8192L, 256L << 20));

    /**
     * Expected values from SOLO's {@code get_resize_output_image_size} run in Python (P = 32,
     * M = 1024), with a short side of 0 clamped to 32.
     */
    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({
        "1, 1, 32, 32, 1, 1",
        "31, 32, 32, 32, 1, 1",
        "32, 31, 32, 32, 1, 1",
        "32, 32, 32, 32, 1, 1",
        "33, 33, 64, 64, 2, 2",
        "33, 1000, 64, 1024, 32, 2",
        "1000, 33, 1024, 64, 2, 32",
        "540, 32, 544, 32, 1, 17",
        "32, 540, 32, 544, 17, 1",
        "5000, 10, 1024, 32, 1, 32",
        "10, 5000, 32, 1024, 32, 1",
        "1024, 1024, 1024, 1024, 32, 32",
        "4096, 3072, 1024, 768, 24, 32",
        "3072, 4096, 768, 1024, 32, 24",
        "1, 5000, 32, 1024, 32, 1",
        "5000, 1, 1024, 32, 1, 32",
        "100, 70, 128, 96, 3, 4",
        "70, 100, 96, 128, 4, 3",
        "640, 480, 640, 480, 15, 20",
        "480, 640, 480, 640, 20, 15",
        "1920, 1080, 1024, 576, 18, 32",
        "1080, 1920, 576, 1024, 32, 18",
        "800, 600, 800, 608, 19, 25",
        "1023, 1, 1024, 32, 1, 32",
        "1025, 1025, 1024, 1024, 32, 32",
        "2000, 1999, 1024, 1024, 32, 32",
        "1999, 2000, 1024, 1024, 32, 32",
        "224, 224, 224, 224, 7, 7",
        "336, 336, 352, 352, 11, 11",
        "500, 375, 512, 384, 12, 16",
        "375, 500, 384, 512, 16, 12",
        "1280, 720, 1024, 576, 18, 32",
        "3000, 2, 1024, 32, 1, 32",
        "2, 3000, 32, 1024, 32, 1",
        "64, 63, 64, 64, 2, 2",
        "63, 64, 64, 64, 2, 2",
        "97, 33, 128, 64, 2, 4",
        "8192, 8192, 1024, 1024, 32, 32",
        "8192, 1, 1024, 32, 1, 32",
        "100000, 3, 1024, 32, 1, 32",
        "1000, 999, 1024, 1024, 32, 32",
        "999, 1000, 1024, 1024, 32, 32",
        "257, 129, 288, 160, 5, 9",
        "4000, 31, 1024, 32, 1, 32",
        "31, 4000, 32, 1024, 32, 1",
        "600, 1, 608, 32, 1, 19",
        "1, 600, 32, 608, 19, 1",
        "47, 47, 64, 64, 2, 2",
        "1025, 1, 1024, 32, 1, 32",
    })
    void resizesLongSideToMultipleOfPatchAndKeepsAspect(int width, int height, int newWidth, int newHeight,
            int rows, int cols) {
        ResizeRule.Target target = ResizeRule.plan(width, height, 32, 1024);

        assertThat(target.width()).isEqualTo(newWidth);
        assertThat(target.height()).isEqualTo(newHeight);
        assertThat(target.grid()).isEqualTo(new PatchGrid(rows, cols, 32));
        assertThat(SOLO_7B.plan(width, height)).isEqualTo(target.grid());
    }

    @ParameterizedTest(name = "{0}x{1} with M=1000 -> {2}x{3}")
    @CsvSource({
        "2000, 1000, 1000, 512, 16, 31",
        "1000, 2000, 512, 1000, 31, 16",
        "3000, 2999, 1000, 1024, 32, 31",
        "10, 10, 32, 32, 1, 1",
        "1, 5000, 32, 1000, 31, 1",
    })
    void followsFormulaLiterallyWhenMaxResolutionIsNotMultipleOfPatch(int width, int height, int newWidth,
            int newHeight, int rows, int cols) {
        ResizeRule.Target target = ResizeRule.plan(width, height, 32, 1000);

        assertThat(target.width()).isEqualTo(newWidth);
        assertThat(target.height()).isEqualTo(newHeight);
        assertThat(target.grid()).isEqualTo(new PatchGrid(rows, cols, 32));
    }

    @Test
    void treatsWidthAsLongSideOnTies() {
        ResizeRule.Target target = ResizeRule.plan(45, 45, 16, 64);

        assertThat(target.width()).isEqualTo(48);
        assertThat(target.height()).isEqualTo(48);
    }

    @Test
    void handlesLargestIntSidesWithoutOverflow() {
        ResizeRule.Target target = ResizeRule.plan(Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 32, 1024);

        assertThat(target.width()).isEqualTo(1024);
        assertThat(target.height()).isEqualTo(1024);
    }

    @Test
    void refusesEmptySizes() {
        assertThatThrownBy(() -> ResizeRule.plan(0, 10, 32, 1024))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("0x10");
        assertThatThrownBy(() -> SOLO_7B.plan(10, -1)).isInstanceOf(InvalidInputException.class);
    }
}
