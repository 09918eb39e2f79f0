package ai.solo.impl.train;

import ai.solo.train.SampleSource;
import ai.solo.train.Stage;
import ai.solo.train.TrainingSample;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws samples from a stage's sources in proportion to their weights, with a seeded generator,
 * starting a new pass over a source when it runs out. Deterministic: the same seed gives the same
 * draws, so resuming replays {@link #drawn()} draws (without encoding them) to reach the same
 * position.
 */
final class MixtureSampler {
    private final List<Stage.Mixture> mixture;
    private final double[] cumulative;
    private final Iterator<TrainingSample>[] iterators;
    private final SplittableRandom random;
    private long drawn;

    @SuppressWarnings("unchecked")
    MixtureSampler(List<Stage.Mixture> mixture, long seed) {
        this.mixture = mixture;
        this.cumulative = new double[mixture.size()];
        double total = 0;
        for (int i = 0; i < mixture.size(); i++) {
            total += mixture.get(i).weight();
            cumulative[i] = total;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= total;
        }
        this.iterators = new Iterator[mixture.size()];
        this.random = new SplittableRandom(seed);
    }

    /**
     * @return the next sample
     * @throws ai.solo.InvalidInputException if a source yields nothing at all
     */
    TrainingSample next() {
        double u = random.nextDouble();
        int i = 0;
        while (i < cumulative.length - 1 && u >= cumulative[i]) {
            i++;
        }
        SampleSource source = mixture.get(i).source();
        if (iterators[i] == null || !iterators[i].hasNext()) {
            iterators[i] = source.iterator();
            if (!iterators[i].hasNext()) {
                throw new ai.solo.InvalidInputException("data source " + source.name() + " has no usable sample"
                        + (source.skippedRecords() > 0 ? " (" + source.skippedRecords() + " malformed records skipped)" : ""));
            }
        }
        drawn++;
        return iterators[i].next();
    }

    /** @return samples drawn so far */
    long drawn() {
        return drawn;
    }

    /**
     * Draws and discards samples, to continue where a checkpointed run stopped.
     *
     * @param count draws to replay
     */
    void skip(long count) {
        for (long i = 0; i < count; i++) {
            next();
        }
    }
}
