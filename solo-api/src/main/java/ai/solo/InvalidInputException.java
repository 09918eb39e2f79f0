package ai.solo;

/**
 * Input supplied by the caller is unusable: an unreadable or oversized image, an argument out
 * of range, a malformed request or data record. Nothing was changed by the failed call.
 */
public class InvalidInputException extends SoloException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the argument, file or field */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the argument, file or field
     * @param cause the underlying failure
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
