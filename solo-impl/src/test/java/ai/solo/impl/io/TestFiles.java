package ai.solo.impl.io;

import ai.solo.impl.SharedTestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Builders for hand-made safetensors files and the location of the shared fixtures. */
final class TestFiles {

    private TestFiles() {
    }

    /** Writes the 8-byte length, {@code header} padded with spaces to 8 bytes, then {@code dataBytes} bytes 0..255. */
    static Path raw(Path dir, String name, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    /** Writes a file whose length prefix is {@code claimedLength}, followed by {@code rest}. */
    static Path withLengthPrefix(Path dir, String name, long claimedLength, byte[] rest) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(claimedLength).put(rest);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    static ByteBuffer floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.flip();
    }

    static ByteBuffer shorts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.flip();
    }

    static ByteBuffer longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.flip();
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** @return the project's {@code shared} folder; see {@link SharedTestData#sharedDir()} */
    static Optional<Path> sharedDir() {
        return SharedTestData.sharedDir();
    }
}
