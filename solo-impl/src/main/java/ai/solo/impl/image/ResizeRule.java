package ai.solo.impl.image;

import ai.solo.InvalidInputException;
import ai.solo.image.PatchGrid;

/**
 * SOLO's resize rule ({@code get_resize_output_image_size} of {@code image_utils.py}, SPEC §2):
 * the long side becomes the next multiple of the patch size P, capped at the maximum resolution
 * M; the short side keeps the aspect ratio (truncated to an integer first) and is then rounded
 * up to a multiple of P.
 *
 * <p>Two cases the reference leaves open are decided here:
 * <ul>
 *   <li>An extremely thin image (say 1 x 5000) gives a short side of 0; it is clamped to P so
 *       that every image yields at least one patch row and column.
 *   <li>When M is not a multiple of P the formula is followed literally: the long side is
 *       resized to M and, as {@code Tensor.unfold} in the reference, the incomplete patches at
 *       the right or bottom edge are dropped. The grid then covers less than the resized image.
 * </ul>
 */
final class ResizeRule {

    private ResizeRule() {
    }

    /**
     * Where an image goes.
     *
     * @param width width to resample to
     * @param height height to resample to
     * @param grid the patches cut from the top-left {@code grid.width() x grid.height()} pixels
     */
    record Target(int width, int height, PatchGrid grid) {
    }

    /**
     * @param width source width, at least 1
     * @param height source height, at least 1
     * @param patchSize P
     * @param maxResolution M
     * @return the resampling size and the patch grid
     * @throws InvalidInputException if a size is not positive
     */
    static Target plan(int width, int height, int patchSize, int maxResolution) {
        if (width < 1 || height < 1) {
            throw new InvalidInputException("image size must be at least 1x1, got " + width + "x" + height);
        }
        // Ties go to the width, as in the reference (`short, long = (h, w) if h <= w`).
        boolean widthIsLong = width >= height;
        long longSide = widthIsLong ? width : height;
        long shortSide = widthIsLong ? height : width;
        long p = patchSize;
        long newLong = Math.min(ceilDiv(longSide, p) * p, maxResolution);
        // Integer division is exact here where the reference's float division could only round
        // the same way: both operands are far below 2^53.
        long newShort = ceilDiv(newLong * shortSide / longSide, p) * p;
        if (newShort == 0) {
            newShort = p;
        }
        if (newShort > Integer.MAX_VALUE) {
            throw new InvalidInputException("resized short side " + newShort + " of a " + width + "x"
                    + height + " image does not fit in an int");
        }
        int newWidth = (int) (widthIsLong ? newLong : newShort);
        int newHeight = (int) (widthIsLong ? newShort : newLong);
        PatchGrid grid = new PatchGrid(newHeight / patchSize, newWidth / patchSize, patchSize);
        return new Target(newWidth, newHeight, grid);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
