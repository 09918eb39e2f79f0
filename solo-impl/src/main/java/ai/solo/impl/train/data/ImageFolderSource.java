package ai.solo.impl.train.data;

import ai.solo.train.MalformedRecords;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The ImageNet layout: one subfolder per class, its name the label ({@code _} read as a space),
 * holding the class's images. Classes and files are visited in sorted name order, so every pass
 * and every machine sees the same sequence. Only files with an image extension (jpg, jpeg, png,
 * bmp, gif, webp, any case) count; hidden entries (names starting with {@code .}), other files
 * and files directly in the top folder are ignored. A class folder or image whose symbolic links
 * lead outside the folder is refused as malformed.
 *
 * <p>A pass lists one class folder at a time; no file stays open between records.
 */
final class ImageFolderSource extends RecordSource {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp");

    private static final Comparator<Path> BY_NAME = Comparator.comparing(p -> p.getFileName().toString());

    private final Path realFolder;

    /**
     * @param folder the top folder
     * @param realFolder the top folder with symbolic links followed
     * @param policy what to do with refused images
     */
    ImageFolderSource(Path folder, Path realFolder, MalformedRecords policy) {
        super(folder, policy);
        this.realFolder = realFolder;
    }

    @Override
    Pass openPass() throws IOException {
        List<Path> classes = sortedEntries(path(), p -> !isHidden(p) && Files.isDirectory(p));
        return new FolderPass(classes.iterator());
    }

    private static boolean isHidden(Path entry) {
        return entry.getFileName().toString().startsWith(".");
    }

    private static boolean hasImageExtension(Path entry) {
        String name = entry.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<Path> sortedEntries(Path dir, Predicate<Path> keep) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path entry : stream) {
                if (keep.test(entry)) {
                    entries.add(entry);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        entries.sort(BY_NAME);
        return entries;
    }

    private final class FolderPass implements Pass {
        private final Iterator<Path> classes;
        private Iterator<Path> files = Collections.emptyIterator();
        private String className;
        private String label;

        FolderPass(Iterator<Path> classes) {
            this.classes = classes;
        }

        @Override
        public ParsedRecord next() throws IOException {
            while (!files.hasNext()) {
                if (!classes.hasNext()) {
                    return null;
                }
                Path dir = classes.next();
                files = Collections.emptyIterator();
                className = dir.getFileName().toString();
                label = className.replace('_', ' ').strip();
                if (label.isEmpty()) {
                    return ParsedRecord.malformed(dir.toString(), "class folder name \"" + className
                            + "\" gives an empty label");
                }
                Path realDir = dir.toRealPath();
                if (!realDir.startsWith(realFolder)) {
                    return ParsedRecord.malformed(dir.toString(), "class folder resolves to " + realDir
                            + ", outside " + realFolder + "; refused");
                }
                files = sortedEntries(dir, p -> !isHidden(p) && hasImageExtension(p) && !Files.isDirectory(p))
                        .iterator();
            }
            Path file = files.next();
            String location = file.toString();
            Path real;
            try {
                real = file.toRealPath();
            } catch (IOException e) {
                return ParsedRecord.malformed(location, "cannot resolve image (broken link?): " + e);
            }
            if (!real.startsWith(realFolder)) {
                return ParsedRecord.malformed(location, "image resolves to " + real + ", outside " + realFolder
                        + "; refused");
            }
            if (!Files.isRegularFile(real)) {
                return ParsedRecord.malformed(location, "image is not a regular file");
            }
            String origin = name() + "/" + className + "/" + file.getFileName();
            return ParsedRecord.of(location, LabelledImageRecords.classLabel(file, label, origin));
        }

        @Override
        public void close() {
            // Directory listings are closed as soon as they are read.
        }
    }
}
