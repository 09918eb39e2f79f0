package ai.solo.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak memory of this process: resident set (native memory included) and Java heap. */
final class ProcessMemory {
    private static final double MIB = 1024.0 * 1024;

    private ProcessMemory() {
    }

    /** @return the peak resident set in MiB ({@code VmHWM}), NaN where /proc is missing */
    static double peakRssMib() {
        return status("VmHWM:");
    }

    /** @return the current resident set in MiB ({@code VmRSS}), NaN where /proc is missing */
    static double rssMib() {
        return status("VmRSS:");
    }

    /** @return the peak use of all heap pools in MiB, since the JVM started */
    static double peakHeapMib() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / MIB;
    }

    private static double status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
