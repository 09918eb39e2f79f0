package ai.solo.impl.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.eval.ScalingLaw;
import ai.solo.eval.ScalingPoint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling plot: a PNG of the documented size with the points and the fitted line drawn. */
class ScalingPngTest {
    @TempDir
    Path dir;

    @Test
    void drawsPointsAndTheFittedLineOnLogLogAxes() throws IOException {
        List<ScalingPoint> points = new ArrayList<>();
        for (double d = 1e4; d <= 1e7; d *= 3) {
            points.add(ScalingPoint.of(d, Math.pow(5e3 / d, 0.2) * (1 + 0.02 * Math.sin(d))));
        }
        ScalingLaw law = ScalingLaw.fit(points);
        Path png = dir.resolve("sub/fit.png");

        ScalingPng.write(png, law, points, "held-out loss");

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(ScalingPng.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ScalingPng.HEIGHT);
        // the fitted line's blue and the points' orange are both there
        boolean blue = false;
        boolean orange = false;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                blue |= rgb == 0x1F5AA6;
                orange |= rgb == 0xE8711A;
            }
        }
        assertThat(blue).isTrue();
        assertThat(orange).isTrue();
    }
}
