package ai.solo.impl.train.data;

/**
 * Why one record cannot become a training sample. Thrown by record mappers and caught by
 * {@link RecordSource}, which adds {@code file:line} and applies the malformed-records policy;
 * never leaves this package.
 */
final class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the record, naming the field */
    MalformedRecordException(String reason) {
        // No stack trace: a skipped record is data, not a bug, and large files may skip many.
        super(reason, null, false, false);
    }
}
