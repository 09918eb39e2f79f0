package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The folder that image paths in a data file resolve against. A record's image path must be
 * relative, without {@code ..}, name an existing regular file, and stay inside the root once
 * symbolic links are followed: a data file cannot make training read arbitrary files.
 */
final class ImageRoot {
    private final Path root;     // absolute, normalized: the base of resolved paths
    private final Path realRoot; // symbolic links followed: what containment is checked against

    private ImageRoot(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /**
     * @param root the image folder
     * @return the root
     * @throws InvalidInputException if the folder does not exist or cannot be resolved
     */
    static ImageRoot of(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException("image root is not a folder: " + root);
        }
        try {
            return new ImageRoot(root.toAbsolutePath().normalize(), root.toRealPath());
        } catch (IOException e) {
            throw new InvalidInputException("cannot resolve image root " + root + ": " + e.getMessage(), e);
        }
    }

    /** @return the root folder, absolute */
    Path path() {
        return root;
    }

    /**
     * @param relative an image path from a record
     * @return the image file under the root (absolute; symbolic links inside the root kept as named)
     * @throws MalformedRecordException if the path is absolute, climbs with {@code ..}, is missing,
     *     is not a regular file, or resolves outside the root
     */
    Path resolve(String relative) throws MalformedRecordException {
        if (relative.isBlank()) {
            throw new MalformedRecordException("empty image path");
        }
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new MalformedRecordException("invalid image path \"" + relative + "\": " + e.getReason());
        }
        if (rel.isAbsolute() || rel.getRoot() != null || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new MalformedRecordException("absolute image path \"" + relative
                    + "\" refused; image paths are relative to the image root " + root);
        }
        for (Path element : rel) {
            if (element.toString().equals("..")) {
                throw new MalformedRecordException("image path \"" + relative + "\" contains \"..\"; refused");
            }
        }
        Path file = root.resolve(rel).normalize();
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new MalformedRecordException("image not found: " + file);
        } catch (IOException e) {
            throw new MalformedRecordException("cannot resolve image " + file + ": " + e);
        }
        if (!real.startsWith(realRoot)) {
            throw new MalformedRecordException("image \"" + relative + "\" resolves to " + real
                    + ", outside the image root " + realRoot + "; refused");
        }
        if (!Files.isRegularFile(real)) {
            throw new MalformedRecordException("image is not a regular file: " + file);
        }
        return file;
    }
}
