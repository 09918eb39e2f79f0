package ai.solo.image;

import ai.solo.InvalidInputException;

/**
 * An image made ready for SOLO: resized, normalised with ImageNet mean and std, and cut into
 * patches.
 *
 * <p>{@code values} has shape {@code [rows * cols, 3 * P * P]}, row-major: patches in row-major
 * grid order, each flattened in (channel, row, column) order. The array is shared, not copied:
 * treat it as read-only.
 *
 * @param grid the patch grid
 * @param sourceWidth width of the decoded image before resizing
 * @param sourceHeight height of the decoded image before resizing
 * @param values normalised patch values {@code [rows * cols, 3 * P * P]}
 */
public record ImagePatches(PatchGrid grid, int sourceWidth, int sourceHeight, float[] values) {

    /**
     * Checks that {@code values} holds exactly one grid of patches.
     *
     * @param grid the patch grid
     * @param sourceWidth width of the decoded image before resizing
     * @param sourceHeight height of the decoded image before resizing
     * @param values normalised patch values {@code [rows * cols, 3 * P * P]}
     */
    public ImagePatches {
        if (grid == null || values == null) {
            throw new InvalidInputException("grid and values must not be null");
        }
        long expected = (long) grid.count() * grid.patchDim();
        if (values.length != expected) {
            throw new InvalidInputException("patch values hold " + values.length + " floats, grid "
                    + grid.rows() + "x" + grid.cols() + " of " + grid.patchSize() + " needs " + expected);
        }
    }

    /** @return number of patches */
    public int count() {
        return grid.count();
    }

    /** @return values per patch, {@code 3 * P * P} */
    public int patchDim() {
        return grid.patchDim();
    }

    /**
     * @param index patch index, row-major over the grid
     * @return a copy of one patch's {@code 3 * P * P} values
     */
    public float[] patch(int index) {
        if (index < 0 || index >= count()) {
            throw new InvalidInputException("patch index " + index + " outside [0, " + count() + ")");
        }
        float[] out = new float[patchDim()];
        System.arraycopy(values, index * patchDim(), out, 0, patchDim());
        return out;
    }
}
