package ai.solo.impl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.solo.SaveOptions;
import ai.solo.TensorType;
import ai.solo.impl.io.SafetensorsWriter;
import ai.solo.impl.io.ShardedWriter;
import ai.solo.impl.io.TensorConversions;
import ai.solo.impl.io.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes model weights as Hugging Face safetensors (single file or shards with an index),
 * one tensor at a time straight from engine memory, so saving never holds the model on the
 * Java heap.
 */
final class WeightExporter {
    private WeightExporter() {
    }

    static void write(ModelWeights weights, Path dir, SaveOptions options) {
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : weights.all().entrySet()) {
            NDArray array = e.getValue();
            entries.add(new TensorEntry(e.getKey(), options.weightType(), array.getShape().getShape(),
                    out -> writeTensor(array, options.weightType(), out)));
        }
        ShardedWriter.writeCheckpoint(dir, entries, options.maxShardBytes(), Map.of("format", "pt"));
    }

    /** @return the {@code torch_dtype} string of a weight type */
    static String torchDtype(TensorType type) {
        return switch (type) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
    }

    private static void writeTensor(NDArray array, TensorType type, WritableByteChannel out) throws IOException {
        DataType engineType = type == TensorType.F16 ? DataType.FLOAT16 : DataType.FLOAT32;
        if (array.getDevice().equals(Device.cpu()) && array.getDataType() == engineType) {
            // toByteBuffer(true) views the native memory instead of copying it into a heap byte[]
            writeBytes(array.toByteBuffer(true), type, out);
            return;
        }
        try (NDArray onCpu = array.toDevice(Device.cpu(), true); NDArray host = onCpu.toType(engineType, true)) {
            writeBytes(host.toByteBuffer(true), type, out);
        }
    }

    private static void writeBytes(ByteBuffer bytes, TensorType type, WritableByteChannel out) throws IOException {
        bytes.order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorType.BF16) {
            writeAsBf16(bytes, out);
        } else {
            SafetensorsWriter.writeFully(out, bytes);
        }
    }

    private static void writeAsBf16(ByteBuffer f32, WritableByteChannel out) throws IOException {
        ByteBuffer staging = ByteBuffer.allocateDirect(Math.min(f32.remaining() / 2, ChunkedFill.CHUNK * 2))
                .order(ByteOrder.LITTLE_ENDIAN);
        while (f32.hasRemaining()) {
            ByteBuffer chunk = f32.slice().order(ByteOrder.LITTLE_ENDIAN);
            chunk.limit(Math.min(chunk.remaining(), staging.capacity() * 2));
            staging.clear();
            TensorConversions.f32ToBf16(chunk, staging);
            f32.position(f32.position() + chunk.limit());
            staging.flip();
            SafetensorsWriter.writeFully(out, staging);
        }
    }
}
