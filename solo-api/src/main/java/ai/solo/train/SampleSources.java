package ai.solo.train;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Ready-made {@link SampleSource}s: the file formats of SPEC §5, in-memory lists, and a bounded
 * shuffle buffer for sources larger than memory.
 *
 * <pre>{@code
 * SampleSource sft = SampleSources.shuffled(
 *         SampleSources.read(DataFormat.LLAVA, Path.of("llava.json"), Path.of("images")), 10_000, 42);
 * }</pre>
 */
public final class SampleSources {
    private SampleSources() {
    }

    /**
     * Reads a file (or, for {@link DataFormat#IMAGE_FOLDER}, a folder), skipping malformed records.
     *
     * @param format the file format
     * @param path the file or folder
     * @param imageRoot folder that relative image paths resolve against (may be null for formats
     *     without image paths; defaults to the file's folder)
     * @return a lazily read source
     */
    public static SampleSource read(DataFormat format, Path path, Path imageRoot) {
        return read(format, path, imageRoot, MalformedRecords.SKIP);
    }

    /**
     * @param format the file format
     * @param path the file or folder
     * @param imageRoot folder that relative image paths resolve against, or null
     * @param policy skip malformed records (counted and logged) or fail on the first
     * @return a lazily read source
     */
    public static SampleSource read(DataFormat format, Path path, Path imageRoot, MalformedRecords policy) {
        if (format == null || path == null || policy == null) {
            throw new InvalidInputException("format, path and policy must not be null");
        }
        return SoloProviders.get().readSamples(format, path, imageRoot, policy);
    }

    /**
     * @param name a name for logs
     * @param samples samples held in memory
     * @return a source over them
     */
    public static SampleSource of(String name, List<TrainingSample> samples) {
        List<TrainingSample> copy = List.copyOf(samples);
        return new SampleSource() {
            @Override
            public Iterator<TrainingSample> iterator() {
                return copy.iterator();
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /**
     * Shuffles through a bounded buffer: each pass fills {@code bufferSize} samples, then emits a
     * random one and refills its place, as tf.data and webdataset do. The seed and the pass number
     * decide the order, so runs are reproducible.
     *
     * @param source the source to shuffle
     * @param bufferSize samples held at once, at least 1
     * @param seed shuffle seed
     * @return the shuffled source; closing it closes {@code source}
     */
    public static SampleSource shuffled(SampleSource source, int bufferSize, long seed) {
        if (source == null || bufferSize < 1) {
            throw new InvalidInputException("shuffled needs a source and a buffer size >= 1, got " + bufferSize);
        }
        return new SampleSource() {
            private int pass;

            @Override
            public Iterator<TrainingSample> iterator() {
                SplittableRandom random = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * pass++);
                Iterator<TrainingSample> inner = source.iterator();
                List<TrainingSample> buffer = new ArrayList<>(Math.min(bufferSize, 1 << 16));
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        while (buffer.size() < bufferSize && inner.hasNext()) {
                            buffer.add(inner.next());
                        }
                        return !buffer.isEmpty();
                    }

                    @Override
                    public TrainingSample next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        int i = random.nextInt(buffer.size());
                        TrainingSample chosen = buffer.get(i);
                        TrainingSample last = buffer.remove(buffer.size() - 1);
                        if (i < buffer.size()) {
                            buffer.set(i, last);
                        }
                        return chosen;
                    }
                };
            }

            @Override
            public String name() {
                return source.name();
            }

            @Override
            public long skippedRecords() {
                return source.skippedRecords();
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }
}
