package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the training-data formats of SPEC §5 as lazily read {@link SampleSource}s.
 *
 * <ul>
 *   <li>{@link DataFormat#LLAVA}: JSON array or JSONL (by the first non-space character),
 *       {@code CONVERSATION} samples with the image at the {@code <image>} placeholder.</li>
 *   <li>{@link DataFormat#SOLO_PRETRAINING}: JSONL in OpenAI chat format, {@code CAPTION}
 *       samples (images as data URLs, decoded later by the trainer), {@code TEXT} when a record
 *       has no image.</li>
 *   <li>{@link DataFormat#IMAGE_FOLDER}: a folder per class, {@code CLASS_LABEL} samples.</li>
 *   <li>{@link DataFormat#LABELLED_IMAGES}: JSONL of image and label, {@code CLASS_LABEL}.</li>
 *   <li>{@link DataFormat#TEXT}: {@code .jsonl} of {@code {"text": ...}}, otherwise one sample
 *       per non-blank line, {@code TEXT} samples.</li>
 * </ul>
 *
 * <p>Files whose name ends in {@code .gz} are decompressed on the fly; text is UTF-8. Each
 * {@code iterator()} call opens the file again for a new pass and reads it record by record;
 * the file closes at the end of the pass or when the source is closed (a pass abandoned half-way
 * keeps its file open until then). Samples carry their
 * origin as {@code file:line} ({@code folder/class/file} for image folders). Stateless and
 * thread-safe; the sources it returns may be iterated concurrently, one iterator per thread.
 */
public final class SampleReaders {
    private static final Logger logger = LoggerFactory.getLogger(SampleReaders.class);

    private SampleReaders() {
    }

    /**
     * Checks that the data exists and returns a source over it; nothing is read yet.
     *
     * @param format the file format
     * @param path the data file, or for {@link DataFormat#IMAGE_FOLDER} the folder
     * @param imageRoot folder that image paths of {@link DataFormat#LLAVA} and
     *     {@link DataFormat#LABELLED_IMAGES} records resolve against; null for the data file's
     *     folder; ignored by the other formats
     * @param policy skip malformed records (counted, logged) or fail on the first
     * @return a lazily read source named after the file
     * @throws InvalidInputException if an argument is null, or the data file, folder or image
     *     root is missing or unreadable
     */
    public static SampleSource read(DataFormat format, Path path, Path imageRoot, MalformedRecords policy) {
        if (format == null || path == null || policy == null) {
            throw new InvalidInputException("format, path and policy must not be null (got format=" + format
                    + ", path=" + path + ", policy=" + policy + ")");
        }
        SampleSource source = switch (format) {
            case LLAVA -> new JsonRecordSource(requireFile(path, format), policy,
                    new LlavaRecords(imageRoot(path, imageRoot)));
            case SOLO_PRETRAINING -> new JsonRecordSource(requireFile(path, format), policy, new PretrainingRecords());
            case LABELLED_IMAGES -> new JsonRecordSource(requireFile(path, format), policy,
                    new LabelledImageRecords(imageRoot(path, imageRoot)));
            case TEXT -> DataFiles.plainName(requireFile(path, format)).endsWith(".jsonl")
                    ? new JsonRecordSource(path, policy, new TextRecords())
                    : new PlainTextSource(path, policy);
            case IMAGE_FOLDER -> new ImageFolderSource(path, realFolder(path), policy);
        };
        logger.debug("Reading {} samples from {} (malformed records: {})", format, path, policy);
        return source;
    }

    private static Path requireFile(Path file, DataFormat format) {
        if (!Files.exists(file)) {
            throw new InvalidInputException(format + " data file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(format + " data must be a file, but " + file + " is not a regular file"
                    + (Files.isDirectory(file) ? " (a folder; only IMAGE_FOLDER reads folders)" : ""));
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(format + " data file is not readable: " + file);
        }
        return file;
    }

    private static ImageRoot imageRoot(Path dataFile, Path imageRoot) {
        if (imageRoot != null) {
            return ImageRoot.of(imageRoot);
        }
        Path folder = dataFile.toAbsolutePath().getParent();
        return ImageRoot.of(folder);
    }

    private static Path realFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException((Files.exists(folder) ? "IMAGE_FOLDER data must be a folder: "
                    : "IMAGE_FOLDER data folder not found: ") + folder);
        }
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            throw new InvalidInputException("cannot resolve image folder " + folder + ": " + e.getMessage(), e);
        }
    }
}
