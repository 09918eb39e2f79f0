package ai.solo;

/**
 * Floating-point type the model computes in. RMSNorm and softmax always run in float32
 * whatever is chosen here, as in Hugging Face transformers' Mistral.
 *
 * <p>Checkpoints stored as bfloat16 are converted on load: the engine does not compute in
 * bfloat16.
 */
public enum Precision {
    /** 32-bit IEEE float: the reference for parity and the default on CPU. */
    FLOAT32,
    /** 16-bit IEEE half: half the memory; meant for GPUs, supported (slowly) on CPU. */
    FLOAT16
}
