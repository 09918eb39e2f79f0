package ai.solo.train;

/**
 * Trains or fine-tunes a SOLO model: SOLO's staged recipe (Stage 1, 2, 3 and instruction
 * fine-tuning) or a single stage on the user's data. Implemented in the training issue; the
 * interface is fixed now so applications and the SPI can depend on it.
 *
 * <p>A trainer owns optimizer state in native memory: close it.
 */
public interface Trainer extends AutoCloseable {

    /**
     * Runs training to the end of its schedule, writing checkpoints as configured.
     *
     * @return what the run did
     */
    TrainingSummary run();

    /** Releases optimizer state; safe to call twice. */
    @Override
    void close();
}
