package ai.solo.train;

/** What a data reader does with a record it cannot use (bad JSON, missing image, empty conversation). */
public enum MalformedRecords {
    /** Skip it, log it with file and line, and count it in {@link SampleSource#skippedRecords()}. The default. */
    SKIP,
    /** Fail the run with an {@link ai.solo.InvalidInputException} naming file and line. */
    FAIL
}
