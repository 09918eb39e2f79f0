package ai.solo.impl.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridRendererTest {

    private final DefaultImagePatcher patcher =
            new DefaultImagePatcher(new ImagePatcher.Settings(32, 1024, 1L << 26, 1L << 28));

    @TempDir
    Path tmp;

    @Test
    void drawsPatchesWithOnePixelLinesBetweenThem() {
        BufferedImage source = TestImages.patternImage(128, 96); // already on the grid: no resampling
        ImagePatches patches = patcher.patchify(source);

        BufferedImage grid = patcher.renderGrid(patches);

        assertThat(grid.getWidth()).isEqualTo(128 + 3);
        assertThat(grid.getHeight()).isEqualTo(96 + 2);
        for (int y = 0; y < grid.getHeight(); y++) {
            assertThat(TestImages.rgb(grid, 32, y)).isEqualTo(GridRenderer.LINE_RGB);
            assertThat(TestImages.rgb(grid, 98, y)).isEqualTo(GridRenderer.LINE_RGB);
        }
        for (int x = 0; x < grid.getWidth(); x++) {
            assertThat(TestImages.rgb(grid, x, 65)).isEqualTo(GridRenderer.LINE_RGB);
        }
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 128; x++) {
                int gx = x + x / 32;
                int gy = y + y / 32;
                assertThat(TestImages.rgb(grid, gx, gy)).as("pixel %d,%d", x, y)
                        .isEqualTo(TestImages.rgb(source, x, y));
            }
        }
    }

    @Test
    void drawsSinglePatchWithoutLines() {
        ImagePatches patches = patcher.patchify(TestImages.patternImage(20, 20));

        BufferedImage grid = patcher.renderGrid(patches);

        assertThat(grid.getWidth()).isEqualTo(32);
        assertThat(grid.getHeight()).isEqualTo(32);
    }

    @Test
    void writesGridAsPngAtomically() throws IOException {
        ImagePatches patches = patcher.patchify(TestImages.patternImage(100, 70));
        Path png = tmp.resolve("grid.png");
        Files.writeString(png, "old content");

        patcher.writeGridPng(patches, png);

        BufferedImage read = ImageIO.read(png.toFile());
        assertThat(read.getWidth()).isEqualTo(4 * 33 - 1);
        assertThat(read.getHeight()).isEqualTo(3 * 33 - 1);
        assertThat(TestImages.rgb(read, 32, 10)).isEqualTo(0xFFFFFF);
        assertThat(TestImages.rgb(read, 10, 32)).isEqualTo(0xFFFFFF);
        assertThat(TestImages.rgb(read, 5, 7)).isEqualTo(TestImages.rgb(patcher.renderGrid(patches), 5, 7));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(png);
        }
    }

    @Test
    void refusesUnwritableDestinationNamingIt() {
        ImagePatches patches = patcher.patchify(TestImages.patternImage(40, 40));
        Path png = tmp.resolve("missing-dir").resolve("grid.png");

        assertThatThrownBy(() -> patcher.writeGridPng(patches, png))
                .isInstanceOf(ai.solo.SoloException.class).hasMessageContaining("grid.png");
    }
}
