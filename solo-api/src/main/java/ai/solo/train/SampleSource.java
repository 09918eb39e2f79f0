package ai.solo.train;

import java.util.Iterator;

/**
 * Where training samples come from: files through {@link SampleSources}, or anything an
 * application implements (a database, an object store). Read lazily: a source larger than memory
 * is fine. {@link #iterator()} starts a fresh pass each time it is called (an epoch).
 *
 * <p>Implementations report malformed records through {@link #skippedRecords()} when their
 * policy is to skip them. Sources hold files open while iterated: close them.
 */
public interface SampleSource extends Iterable<TrainingSample>, AutoCloseable {

    /** @return a new pass over the samples, from the start */
    @Override
    Iterator<TrainingSample> iterator();

    /** @return a short name for logs and metrics, e.g. the file name */
    String name();

    /** @return records skipped as malformed so far, over all passes */
    default long skippedRecords() {
        return 0;
    }

    /** Releases open files; safe to call twice. */
    @Override
    default void close() {
    }
}
