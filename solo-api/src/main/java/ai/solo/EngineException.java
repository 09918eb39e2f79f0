package ai.solo;

/**
 * The compute engine failed: no implementation on the class path, a native library that would
 * not load, a device that does not exist, or a native operation that raised an error.
 */
public class EngineException extends SoloException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed */
    public EngineException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause the underlying failure
     */
    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
