package ai.solo.impl.eval;

/**
 * Why one line of a benchmark or metrics file cannot be used. Thrown while a line is read and
 * caught by its reader, which adds {@code file:line}; never leaves this package.
 */
final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the line, naming the field */
    MalformedLineException(String reason) {
        // no stack trace: the reader turns it into a message naming file and line
        super(reason, null, false, false);
    }
}
