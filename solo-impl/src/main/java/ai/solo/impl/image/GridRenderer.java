package ai.solo.impl.image;

import ai.solo.impl.io.AtomicFiles;
import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Draws what the model sees, like SOLO's {@code visualize_patches}: the patches with their
 * normalisation undone, laid out on their grid with a 1-pixel line between neighbours. The
 * picture is {@code cols * (P + 1) - 1} by {@code rows * (P + 1) - 1} pixels; patch
 * {@code (row, col)} starts at {@code (col * (P + 1), row * (P + 1))}.
 *
 * <p>Lines are {@link #LINE_RGB white}. SOLO's notebook leaves the gaps black, the default fill
 * of its canvas, which vanishes into dark images.
 *
 * <p>Stateless and thread-safe.
 */
final class GridRenderer {

    /** Colour of the separating lines, {@code 0xRRGGBB}. */
    static final int LINE_RGB = 0xFFFFFF;

    private GridRenderer() {
    }

    /**
     * @param patches normalised patches on any grid
     * @return a {@code TYPE_INT_RGB} picture of the grid
     */
    static BufferedImage render(ImagePatches patches) {
        PatchGrid grid = patches.grid();
        int p = grid.patchSize();
        int pp = p * p;
        long width = (long) grid.cols() * (p + 1) - 1;
        long height = (long) grid.rows() * (p + 1) - 1;
        if (width * height > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("patch grid " + grid.rows() + "x" + grid.cols() + " of " + p
                    + " is too large to draw");
        }
        BufferedImage image = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Arrays.fill(out, LINE_RGB);
        float[] values = patches.values();
        int stride = (int) width;
        for (int index = 0; index < grid.count(); index++) {
            int left = (index % grid.cols()) * (p + 1);
            int top = (index / grid.cols()) * (p + 1);
            int base = index * 3 * pp;
            for (int y = 0; y < p; y++) {
                int o = (top + y) * stride + left;
                for (int x = 0; x < p; x++) {
                    int i = base + y * p + x;
                    int r = PatchExtractor.denormalize(values[i], 0);
                    int g = PatchExtractor.denormalize(values[i + pp], 1);
                    int b = PatchExtractor.denormalize(values[i + 2 * pp], 2);
                    out[o + x] = (r << 16) | (g << 8) | b;
                }
            }
        }
        return image;
    }

    /**
     * Writes {@code image} as a PNG so that {@code pngFile} is either untouched or complete:
     * a temporary file in the same folder is renamed over it.
     *
     * @param image the picture
     * @param pngFile destination; its folder must exist
     * @throws ai.solo.SoloException naming the file if it cannot be written
     */
    static void writePng(BufferedImage image, Path pngFile) {
        if (pngFile == null) {
            throw new InvalidInputException("PNG destination must not be null");
        }
        AtomicFiles.write(pngFile.toAbsolutePath(), out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no ImageIO PNG writer");
            }
        });
    }
}
