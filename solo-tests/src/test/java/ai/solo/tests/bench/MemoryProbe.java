package ai.solo.tests.bench;

import ai.djl.ndarray.NDManager;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Where a process's resident memory is, for soak runs: the resident set split into the Java
 * heap's pages and everything else (native: libtorch, malloc, JVM internals), the heap in use
 * after a full GC, the bytes glibc malloc has handed out and not had back, and the NDArrays
 * alive in a manager tree.
 *
 * <p>RSS alone cannot tell a leak from warm-up: G1 grows its young generation while it adapts to
 * the allocation rate, and every heap region it has once used stays resident, though the heap
 * holds a few MiB after a collection. Linux only ({@code /proc/self}); a figure that cannot be
 * read is -1.
 */
final class MemoryProbe {
    private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) .*");

    /**
     * Resident memory as the process holds it, with no collection first.
     *
     * @param rss resident set of the process
     * @param heapRss resident pages of the Java heap's reserved range
     */
    record Resident(long rss, long heapRss) {
        /** @return resident memory outside the Java heap: libtorch, malloc, JVM internals */
        long nativeRss() {
            return rss - heapRss;
        }

        @Override
        public String toString() {
            return String.format("RSS %.1f MiB (Java heap pages %.1f, native %.1f)", mib(rss), mib(heapRss),
                    mib(nativeRss()));
        }
    }

    /**
     * A full reading, all sizes in bytes.
     *
     * @param resident resident memory, read before the collection
     * @param heapUsed Java heap in use after {@code System.gc()}
     * @param mallocInUse bytes glibc malloc has handed out and not had back ({@code mallinfo2})
     * @param mallocFree bytes glibc malloc holds free for reuse (in its arenas, not returned to the OS)
     * @param ndArrays NDArrays alive in the manager tree, or -1 without a manager
     */
    record Snapshot(Resident resident, long heapUsed, long mallocInUse, long mallocFree, long ndArrays) {
        @Override
        public String toString() {
            return String.format("%s; heap used after GC %.1f MiB, malloc in use %.1f MiB (free in arenas %.1f), "
                    + "live NDArrays %d", resident, mib(heapUsed), mib(mallocInUse), mib(mallocFree), ndArrays);
        }
    }

    private MemoryProbe() {
    }

    /** @return resident memory now, without collecting first */
    static Resident resident() {
        return new Resident(CheckpointLoadBenchmark.rss(), heapRss());
    }

    /**
     * Reads resident memory, then collects garbage (settling the heap figure and freeing the
     * direct buffers of unreachable arrays) and reads the rest.
     *
     * @param manager root of the managers whose arrays are counted, or null
     * @return the reading
     */
    static Snapshot take(NDManager manager) {
        Resident resident = resident();
        System.gc();
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long arrays = manager == null ? -1 : manager.getManagedArrays().size();
        long[] malloc = malloc();
        return new Snapshot(resident, heapUsed, malloc[0], malloc[1], arrays);
    }

    static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    /** @return resident bytes of the mappings inside the heap's reserved range ({@code GC.heap_info}) */
    private static long heapRss() {
        try {
            String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {null}, new String[] {String[].class.getName()});
            Matcher range = HEAP_RANGE.matcher(info);
            if (!range.find()) {
                return -1;
            }
            long from = Long.parseUnsignedLong(range.group(1), 16);
            long to = Long.parseUnsignedLong(range.group(2), 16);
            long total = 0;
            boolean inHeap = false;
            List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
            for (String line : lines) {
                Matcher m = MAPPING.matcher(line);
                if (m.matches()) {
                    long start = Long.parseUnsignedLong(m.group(1), 16);
                    long end = Long.parseUnsignedLong(m.group(2), 16);
                    inHeap = start >= from && end <= to;
                } else if (inHeap && line.startsWith("Rss:")) {
                    total += Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return total;
        } catch (IOException | JMException e) {
            return -1;
        }
    }

    /** @return glibc's {@code [allocated bytes (arenas and mmapped chunks), free bytes in arenas]}, -1 off glibc */
    private static long[] malloc() {
        try {
            MallInfo2 info = LibC.INSTANCE.mallinfo2();
            return new long[] {info.uordblks + info.hblkhd, info.fordblks};
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new long[] {-1, -1};
        }
    }

    /** glibc, for {@code mallinfo2} (2.33+: size_t fields that do not wrap at 2 GiB). */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        MallInfo2 mallinfo2();
    }

    /** {@code struct mallinfo2}, returned by value. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }
}
