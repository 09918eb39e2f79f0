package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SOLO's image preprocessing against the reference (Pillow 9.4 bilinear resize, torchvision
 * ToTensor and Normalize, unfold) on {@code solo-tiny/image.png}.
 */
class ImagePatcherFixtureTest {
    private static final System.Logger logger = System.getLogger(ImagePatcherFixtureTest.class.getName());

    private static Path image;
    private static JsonNode expectedJson;
    private static float[] expectedPatches; // [12, 3072]
    private static long[] expectedShape;
    private static ImagePatcher patcher;

    @BeforeAll
    static void load() throws IOException {
        image = Fixtures.soloTiny().resolve("image.png");
        expectedJson = new ObjectMapper().readTree(Fixtures.soloTiny().resolve("expected.json").toFile());
        expectedPatches = FixtureData.load().patches;
        expectedShape = new long[] {12, 3072};
        patcher = ImagePatcher.builder().build();
    }

    @Test
    void plansTheReferenceResizeAndGrid() {
        int width = expectedJson.get("image_size").get(0).asInt();
        int height = expectedJson.get("image_size").get(1).asInt();

        PatchGrid grid = patcher.plan(width, height);

        assertThat(grid.width()).isEqualTo(expectedJson.get("resized").get(0).asInt());
        assertThat(grid.height()).isEqualTo(expectedJson.get("resized").get(1).asInt());
        assertThat(grid.rows()).isEqualTo(expectedJson.get("patch_grid").get(0).asInt());
        assertThat(grid.cols()).isEqualTo(expectedJson.get("patch_grid").get(1).asInt());
    }

    @Test
    void patchesMatchReferenceWithinSpecTolerance() {
        ImagePatches patches = patcher.patchify(image);

        assertThat(patches.sourceWidth()).isEqualTo(expectedJson.get("image_size").get(0).asInt());
        assertThat(patches.sourceHeight()).isEqualTo(expectedJson.get("image_size").get(1).asInt());
        assertThat(new long[] {patches.count(), patches.patchDim()}).containsExactly(expectedShape);
        double[] error = errors(patches.values(), expectedPatches);
        logger.log(System.Logger.Level.INFO, "vision_patches max abs error {0}, mean abs error {1}", error[0], error[1]);
        assertThat(error[0]).isLessThanOrEqualTo(0.02);
        assertThat(error[1]).isLessThanOrEqualTo(0.002);
    }

    @Test
    void patchesEqualReferenceToFloatPrecision() {
        // Pillow's fixed-point resampler and torch's float32 normalisation are reproduced
        // exactly, so anything above rounding noise is a regression.
        double[] error = errors(patcher.patchify(image).values(), expectedPatches);

        assertThat(error[0]).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void bytesAndDataUrlGiveTheSamePatchesAsTheFile() throws IOException {
        byte[] png = Files.readAllBytes(image);
        float[] fromFile = patcher.patchify(image).values();

        assertThat(patcher.patchify(png).values()).isEqualTo(fromFile);
        assertThat(patcher.patchifyDataUrl("data:image/png;base64," + Base64.getEncoder().encodeToString(png))
                .values()).isEqualTo(fromFile);
    }

    /** @return max and mean absolute difference */
    private static double[] errors(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {max, sum / actual.length};
    }
}
