package ai.solo.impl.io;

import ai.solo.SoloException;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file so that readers see either the old file or the complete new one, never a
 * half-written one: the content goes to a hidden temporary file in the same folder, which is
 * fsynced, renamed over the target, and the folder fsynced. On failure the temporary file is
 * removed and an existing target is left as it was.
 *
 * <pre>{@code
 * AtomicFiles.write(dir.resolve("config.json"), out -> mapper.writeValue(out, json));
 * }</pre>
 */
public final class AtomicFiles {

    private static final Logger logger = LoggerFactory.getLogger(AtomicFiles.class);

    /** Produces a file's content as a stream. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content. Closing {@code out} is allowed and has no effect beyond a
         * flush, so libraries that close their target (Jackson does by default) can be used.
         *
         * @param out buffered stream into the temporary file
         * @throws IOException if producing or writing the content fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Produces a file's content through its channel (for large, streamed content). */
    @FunctionalInterface
    interface ChannelContent {
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically from a stream.
     *
     * @param target the file to create or replace; its folder must exist
     * @param content writes the bytes
     * @throws SoloException naming {@code target} if writing or renaming fails; the old file, if
     *     any, is then unchanged
     */
    public static void write(Path target, Content content) {
        try {
            writeChannel(target, channel -> {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                // Shield the channel from close(): it must stay open for the fsync that follows.
                OutputStream shielded = new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                };
                content.writeTo(shielded);
                shielded.flush();
            });
        } catch (IOException e) {
            throw new SoloException("cannot write " + target + ": " + e, e);
        }
    }

    /** Writes {@code target} atomically through a channel; see the class description. */
    static void writeChannel(Path target, ChannelContent content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // Same folder, so the rename stays on one file system and is atomic. Hidden and unique
        // so that no reader listing the folder takes it for a shard. Created with default
        // permissions (Files.createTempFile would make the final file owner-only).
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes a rename or delete in {@code dir} durable. */
    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open or sync a directory; the file data itself was
            // synced, so the save is complete, only less durable against power loss.
            logger.debug("Cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
