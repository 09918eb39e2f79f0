package ai.solo.tests.bench;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Load time and peak Java heap of {@link SoloModel#load} on a ~1 GB float32 checkpoint (the
 * medium config: hidden 1024, 16 layers, 16 heads, 4 kv heads, MLP 2816, vocab 33031).
 *
 * <p>Run with a small heap to show that weights never pass through it:
 * {@code java -Xmx256m -cp ... ai.solo.tests.bench.CheckpointLoadBenchmark [dir]}.
 */
public final class CheckpointLoadBenchmark {
    private CheckpointLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("solo-load-bench");
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(1024).intermediateSize(2816)
                .numHiddenLayers(16).numAttentionHeads(16).numKeyValueHeads(4).build();
        if (!Files.exists(dir.resolve("model.safetensors"))) {
            try (SoloModel model = SoloModel.create(config, 1)) {
                model.save(dir);
            }
        }
        long bytes = Files.size(dir.resolve("model.safetensors"));
        System.out.printf("checkpoint %s: %.3f GB, %,d parameters%n", dir, bytes / 1e9, config.parameterCount());
        for (int run = 1; run <= 3; run++) {
            System.gc();
            resetPeaks();
            long heapBefore = heapUsed();
            long start = System.nanoTime();
            try (SoloModel model = SoloModel.load(dir)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("run %d: load %.3f s, %.2f GB/s, peak heap %.1f MiB (%.1f MiB before), RSS %.0f MiB%n",
                        run, seconds, bytes / 1e9 / seconds, peakHeap() / 1048576.0, heapBefore / 1048576.0,
                        rss() / 1048576.0);
            }
        }
        if (args.length == 0) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
