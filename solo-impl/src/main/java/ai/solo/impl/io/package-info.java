/**
 * Safetensors checkpoint I/O in plain Java NIO: reading single and sharded checkpoints through
 * memory-mapped, read-only, little-endian {@link java.nio.ByteBuffer}s, converting
 * F16/BF16/F64 to float32, and writing files and sharded folders atomically in the layout
 * Hugging Face's {@code safetensors} and {@code transformers} read.
 *
 * <p>Entry points: {@link ai.solo.impl.io.SafetensorsCheckpoint#open(java.nio.file.Path)} for a
 * model folder, {@link ai.solo.impl.io.SafetensorsFile#open(java.nio.file.Path)} for one file,
 * {@link ai.solo.impl.io.ShardedWriter#writeCheckpoint} and
 * {@link ai.solo.impl.io.SafetensorsWriter#write} for saving.
 *
 * <p>No tensor library is used here: callers turn the buffers into engine arrays. Nothing reads
 * a whole file into the Java heap; only the JSON header is copied. Every malformed file raises
 * {@link ai.solo.CheckpointException} naming the file and the tensor (or {@code header}).
 */
package ai.solo.impl.io;
