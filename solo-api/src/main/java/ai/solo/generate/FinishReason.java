package ai.solo.generate;

/** Why generation stopped. */
public enum FinishReason {
    /** {@link GenerationConfig#maxNewTokens()} tokens were generated. */
    LENGTH,
    /** A stop string or stop token was produced. */
    STOP,
    /** The model produced its end-of-sequence token. */
    EOS,
    /** The caller cancelled generation. */
    CANCELLED
}
