package ai.solo.image;

import ai.solo.InvalidInputException;

/**
 * The grid an image is cut into: {@code rows x cols} square patches of side {@code patchSize},
 * i.e. the image resized to {@code (cols * patchSize) x (rows * patchSize)} pixels.
 *
 * @param rows patch rows (image height / patch size)
 * @param cols patch columns (image width / patch size)
 * @param patchSize side P of a patch in pixels
 */
public record PatchGrid(int rows, int cols, int patchSize) {

    /**
     * Validates the fields.
     *
     * @param rows patch rows (image height / patch size)
     * @param cols patch columns (image width / patch size)
     * @param patchSize side P of a patch in pixels
     */
    public PatchGrid {
        if (rows < 1 || cols < 1 || patchSize < 1) {
            throw new InvalidInputException("patch grid needs rows, cols and patchSize >= 1, got "
                    + rows + "x" + cols + " of " + patchSize);
        }
        // every derived size must fit an int, and the patch values one Java array
        if ((long) rows * cols * 3L * patchSize * patchSize > Integer.MAX_VALUE - 8
                || (long) rows * patchSize > Integer.MAX_VALUE || (long) cols * patchSize > Integer.MAX_VALUE) {
            throw new InvalidInputException("patch grid " + rows + "x" + cols + " of " + patchSize
                    + " pixels is too large");
        }
    }

    /** @return number of patches, {@code rows * cols} */
    public int count() {
        return rows * cols;
    }

    /** @return width of the resized image in pixels */
    public int width() {
        return cols * patchSize;
    }

    /** @return height of the resized image in pixels */
    public int height() {
        return rows * patchSize;
    }

    /** @return values per flattened patch, {@code 3 * P * P} */
    public int patchDim() {
        return 3 * patchSize * patchSize;
    }
}
