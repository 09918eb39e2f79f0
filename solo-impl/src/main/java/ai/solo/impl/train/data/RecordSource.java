package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SampleSource} read from a file or folder one record at a time. Each
 * {@link #iterator()} opens a fresh {@link Pass}; the pass is closed when it reaches the end, when
 * it fails, or when the source is closed. Malformed records are skipped (counted, logged with
 * rate limiting) or fail the pass, by policy.
 *
 * <p>Thread-safety: the source may be iterated by several threads, each with its own iterator;
 * one iterator is for one thread. {@link #close()} may be called from any thread.
 */
abstract class RecordSource implements SampleSource {
    private static final Logger logger = LoggerFactory.getLogger(RecordSource.class);

    /** Malformed records logged one by one per source before rate limiting starts. */
    static final int WARNINGS_IN_FULL = 10;
    /** Once rate limited, every this-many-th malformed record is logged. */
    static final int WARNING_INTERVAL = 1000;

    /** One pass over the input: reads on demand and holds the open file. */
    interface Pass extends Closeable {
        /**
         * @return the next record, or null at the end of the input
         * @throws IOException if the input cannot be read
         */
        ParsedRecord next() throws IOException;
    }

    private final Path path;
    private final String name;
    private final MalformedRecords policy;
    private final AtomicLong skipped = new AtomicLong();
    private final Set<PassIterator> openPasses = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param path the file or folder read
     * @param policy what to do with malformed records
     */
    RecordSource(Path path, MalformedRecords policy) {
        this.path = path;
        Path fileName = path.getFileName();
        this.name = fileName == null ? path.toString() : fileName.toString();
        this.policy = policy;
    }

    /**
     * Opens the input for one pass.
     *
     * @return the pass, positioned before the first record
     * @throws IOException if the input cannot be opened
     */
    abstract Pass openPass() throws IOException;

    /** @return the file or folder read, as given */
    final Path path() {
        return path;
    }

    /**
     * @param line 1-based line number
     * @return the short origin of a sample, {@code name:line}
     */
    final String origin(long line) {
        return name + ":" + line;
    }

    /**
     * @param line 1-based line number
     * @return the full location for messages, {@code path:line}
     */
    final String location(long line) {
        return path + ":" + line;
    }

    @Override
    public final Iterator<TrainingSample> iterator() {
        ensureOpen();
        Pass pass;
        try {
            pass = openPass();
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidInputException("cannot read training data " + path + ": " + e.getMessage(), e);
        }
        PassIterator iterator = new PassIterator(pass);
        openPasses.add(iterator);
        if (closed) {
            // close() ran between ensureOpen() and add(): it may not have seen this pass.
            iterator.closeForSource();
            ensureOpen();
        }
        return iterator;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long skippedRecords() {
        return skipped.get();
    }

    @Override
    public final void close() {
        closed = true;
        for (PassIterator pass : openPasses) {
            pass.closeForSource();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("sample source " + path + " is closed");
        }
    }

    private void handleMalformed(ParsedRecord record) {
        if (policy == MalformedRecords.FAIL) {
            throw new InvalidInputException("malformed record at " + record.location() + ": " + record.problem());
        }
        long count = skipped.incrementAndGet();
        if (count < WARNINGS_IN_FULL) {
            logger.warn("Skipping malformed record at {}: {}", record.location(), record.problem());
        } else if (count == WARNINGS_IN_FULL) {
            logger.warn("Skipping malformed record at {}: {} ({} skipped in {}; from now on only every {}th is logged)",
                    record.location(), record.problem(), count, name, WARNING_INTERVAL);
        } else if (count % WARNING_INTERVAL == 0) {
            logger.warn("Skipping malformed record at {}: {} ({} skipped in {} so far)",
                    record.location(), record.problem(), count, name);
        }
    }

    private final class PassIterator implements Iterator<TrainingSample> {
        private Pass pass; // null once the pass has ended or been closed
        private TrainingSample pending;
        private boolean closedBySource;

        PassIterator(Pass pass) {
            this.pass = pass;
        }

        @Override
        public synchronized boolean hasNext() {
            if (pending != null) {
                return true;
            }
            if (pass == null) {
                if (closedBySource) {
                    throw new IllegalStateException("sample source " + path + " was closed during a pass");
                }
                return false;
            }
            try {
                while (true) {
                    ParsedRecord record = pass.next();
                    if (record == null) {
                        end();
                        return false;
                    }
                    if (record.sample() != null) {
                        pending = record.sample();
                        return true;
                    }
                    handleMalformed(record);
                }
            } catch (IOException | UncheckedIOException e) {
                end();
                throw new InvalidInputException("cannot read training data " + path + ": " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                end();
                throw e;
            }
        }

        @Override
        public synchronized TrainingSample next() {
            if (!hasNext()) {
                throw new NoSuchElementException("end of " + path);
            }
            TrainingSample sample = pending;
            pending = null;
            return sample;
        }

        synchronized void closeForSource() {
            if (pass != null) {
                closedBySource = true;
                end();
            }
        }

        private void end() {
            Pass ending = pass;
            pass = null;
            openPasses.remove(this);
            if (ending != null) {
                try {
                    ending.close();
                } catch (IOException e) {
                    // A read-only file that fails to close has lost nothing; the pass is over either way.
                    logger.warn("Could not close {}: {}", path, e.toString());
                }
            }
        }
    }
}
