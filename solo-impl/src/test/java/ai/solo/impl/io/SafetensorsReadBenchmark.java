package ai.solo.impl.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Not a unit test: measures writing and reading a synthetic 1 GiB F32 checkpoint (64 tensors of
 * 16 MiB) and a BF16 one with the same element count, reading every tensor as float32 into a
 * reused direct buffer. Reports seconds, GB/s and peak heap; run with {@code -Xmx256m} to show
 * that no file is copied whole into the heap.
 *
 * <pre>
 * java -Xmx256m -cp solo-impl/target/test-classes:solo-impl/target/classes:$(cat cp.txt) \
 *     ai.solo.impl.io.SafetensorsReadBenchmark [folder] [tensors] [MiB per tensor]
 * </pre>
 */
public final class SafetensorsReadBenchmark {

    /** One timed pass. */
    record Pass(String label, long bytesRead, double seconds, long peakHeapBytes, double checksum) {
        double gbPerSecond() {
            return bytesRead / seconds / 1e9;
        }

        @Override
        public String toString() {
            return String.format("%-30s %6.3f s  %6.2f GB/s (file bytes)  peak heap %6.1f MiB  checksum %.1f", label,
                    seconds, gbPerSecond(), peakHeapBytes / 1048576.0, checksum);
        }
    }

    private SafetensorsReadBenchmark() {
    }

    /**
     * Runs the benchmark and prints one line per pass, then deletes the files.
     *
     * @param args optional: folder to write in (default: a new temp folder), tensor count (64),
     *     MiB per F32 tensor (16)
     * @throws IOException if the files cannot be cleaned up
     */
    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("st-bench");
        int tensors = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int mib = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        System.out.printf("max heap %d MiB, %d tensors x %d MiB F32 in %s%n",
                Runtime.getRuntime().maxMemory() >> 20, tensors, mib, root);
        try {
            for (Pass p : run(root, tensors, mib << 20)) {
                System.out.println(p);
            }
        } finally {
            deleteTree(root);
        }
    }

    /** Writes the two checkpoints, then reads each twice (the second read is page-cache warm). */
    static List<Pass> run(Path root, int tensors, int tensorBytes) {
        List<Pass> passes = new ArrayList<>();
        Path f32 = root.resolve("f32");
        Path bf16 = root.resolve("bf16");
        passes.add(timed("write F32 (fill+fsync)", (long) tensors * tensorBytes, () -> write(f32, DType.F32, tensors, tensorBytes)));
        passes.add(timed("write BF16 (fill+fsync)", (long) tensors * tensorBytes / 2,
                () -> write(bf16, DType.BF16, tensors, tensorBytes / 2)));
        ByteBuffer dst = ByteBuffer.allocateDirect(tensorBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int run = 1; run <= 2; run++) {
            passes.add(timed("open+readAsFloat32 F32 #" + run, (long) tensors * tensorBytes, () -> readAll(f32, dst)));
        }
        for (int run = 1; run <= 2; run++) {
            passes.add(timed("open+readAsFloat32 BF16 #" + run, (long) tensors * tensorBytes / 2,
                    () -> readAll(bf16, dst)));
        }
        return passes;
    }

    private static double write(Path dir, DType dtype, int tensors, int tensorBytes) {
        // One reusable direct buffer stands in for a tensor in native memory.
        ByteBuffer source = ByteBuffer.allocateDirect(tensorBytes).order(ByteOrder.LITTLE_ENDIAN);
        List<TensorEntry> entries = new ArrayList<>();
        for (int t = 0; t < tensors; t++) {
            int id = t;
            long elements = tensorBytes / dtype.bytes();
            entries.add(new TensorEntry("layers." + t + ".weight", dtype, new long[] {elements / 1024, 1024}, out -> {
                fill(source, dtype, id);
                ByteBuffer b = source.duplicate().clear();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }));
        }
        ShardedWriter.writeCheckpoint(dir, entries, ShardedWriter.DEFAULT_MAX_SHARD_BYTES, Map.of());
        return 0;
    }

    private static void fill(ByteBuffer b, DType dtype, int id) {
        if (dtype == DType.F32) {
            for (int i = 0; i < b.capacity(); i += 4) {
                b.putFloat(i, id + (i & 0xFF) / 256f);
            }
        } else {
            for (int i = 0; i < b.capacity(); i += 2) {
                b.putShort(i, TensorConversions.f32ToBf16(id + (i & 0xFF) / 256f));
            }
        }
    }

    private static double readAll(Path dir, ByteBuffer dst) {
        double checksum = 0;
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
            for (String name : ckpt.names()) {
                dst.clear();
                ckpt.readAsFloat32(name, dst);
                // Touch the result so the work cannot be skipped.
                checksum += dst.getFloat(0) + dst.getFloat(dst.position() - 4);
            }
        }
        return checksum;
    }

    private interface Work {
        double run();
    }

    private static Pass timed(String label, long bytes, Work work) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        double checksum = work.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        return new Pass(label, bytes, seconds, peak, checksum);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
