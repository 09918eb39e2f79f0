package ai.solo.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a file at the speed the storage allows: from disk after evicting it from the page
 * cache (GNU dd's {@code iflag=nocache}, which needs no privileges), or from memory when cached.
 * The bound a checkpoint load is compared with.
 */
final class PageCache {
    private static final int CHUNK = 16 << 20;

    private PageCache() {
    }

    /**
     * Asks the kernel to drop the file's cached pages.
     *
     * @param file the file
     * @return whether dd ran and succeeded (the next read then comes from disk)
     */
    static boolean evict(Path file) {
        try {
            Process p = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Reads the whole file into one reused direct buffer.
     *
     * @param file the file
     * @return GB/s (10^9 bytes per second)
     */
    static double readGbPerSecond(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        long start = System.nanoTime();
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int n = ch.read(buffer); n >= 0; n = ch.read(buffer)) {
                total += n;
                buffer.clear();
            }
        }
        return total / ((System.nanoTime() - start) / 1e9) / 1e9;
    }
}
