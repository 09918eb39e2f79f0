package ai.solo;

/**
 * A checkpoint folder, weight file, {@code config.json} or tokenizer is missing, malformed or
 * inconsistent with the model (missing tensor, wrong shape, offsets past the end of a file).
 * The message names the file and, where there is one, the tensor or field.
 */
public class CheckpointException extends SoloException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file and tensor or field */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file and tensor or field
     * @param cause the underlying failure
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
