package ai.solo.generate;

/** Why generation stopped. */
public enum FinishReason {
    /** {@link GenerationConfig#maxNewTokens()} tokens were generated. */
    LENGTH,
    /** A stop string or stop token id was produced. */
    STOP,
    /** The model produced an end-of-sequence token. */
    EOS,
    /** The caller cancelled generation (a listener returned false, or a stream was closed). */
    CANCELLED
}
