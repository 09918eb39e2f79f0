package ai.solo.impl.eval;

import ai.solo.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The folder a benchmark's image paths resolve against. A path must be relative, without
 * {@code ..}, name an existing regular file, and stay inside the root once symbolic links are
 * followed: a benchmark file cannot make the evaluator read arbitrary files. (The same rule as
 * training data's image roots.)
 */
final class BenchmarkImages {
    private final Path root;     // absolute, normalized: the base of resolved paths
    private final Path realRoot; // symbolic links followed: what containment is checked against

    private BenchmarkImages(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /**
     * @param root the image folder
     * @return the root
     * @throws InvalidInputException if the folder does not exist or cannot be resolved
     */
    static BenchmarkImages of(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException("image root is not a folder: " + root);
        }
        try {
            return new BenchmarkImages(root.toAbsolutePath().normalize(), root.toRealPath());
        } catch (IOException e) {
            throw new InvalidInputException("cannot resolve image root " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param relative an image path from the benchmark
     * @return the image file under the root
     * @throws MalformedLineException saying why the path is refused (the reader adds file and line)
     */
    Path resolve(String relative) throws MalformedLineException {
        if (relative.isBlank()) {
            throw new MalformedLineException("\"image\" is empty");
        }
        Path rel;
        try {
            rel = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new MalformedLineException("\"image\" \"" + relative + "\" is not a valid path: " + e.getReason());
        }
        if (rel.isAbsolute() || rel.getRoot() != null || relative.startsWith("/") || relative.startsWith("\\")) {
            throw new MalformedLineException("\"image\" \"" + relative + "\" is absolute; image paths are relative "
                    + "to the image root " + root);
        }
        for (Path element : rel) {
            if (element.toString().equals("..")) {
                throw new MalformedLineException("\"image\" \"" + relative + "\" contains \"..\"; refused");
            }
        }
        Path file = root.resolve(rel).normalize();
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new MalformedLineException("image not found: " + file);
        } catch (IOException e) {
            throw new MalformedLineException("cannot resolve image " + file + ": " + e);
        }
        if (!real.startsWith(realRoot)) {
            throw new MalformedLineException("\"image\" \"" + relative + "\" resolves to " + real
                    + ", outside the image root " + realRoot + "; refused");
        }
        if (!Files.isRegularFile(real)) {
            throw new MalformedLineException("image is not a regular file: " + file);
        }
        return file;
    }
}
