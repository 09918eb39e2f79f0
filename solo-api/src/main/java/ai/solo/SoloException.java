package ai.solo;

/**
 * Root of every exception the SDK throws. Unchecked, so application code is not forced to
 * catch it, and always carries a message that names the offending file, tensor, field or
 * argument. Callers branch on the subclass, never on the message text.
 */
public class SoloException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, naming the input it concerns */
    public SoloException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, naming the input it concerns
     * @param cause the underlying failure, kept for diagnosis
     */
    public SoloException(String message, Throwable cause) {
        super(message, cause);
    }
}
