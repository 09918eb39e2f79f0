package ai.solo.impl.train.data;

import ai.solo.InvalidInputException;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.DataFormat;
import ai.solo.train.MalformedRecords;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coverage-guided fuzzing of the dataset readers (LLaVA, SOLO pre-training, labelled images,
 * text as JSONL and plain lines, each also gzipped or as a corrupt {@code .gz}). Whatever the
 * file holds, under either {@link MalformedRecords} policy a pass either ends or throws an
 * {@link InvalidInputException} naming the file; what {@code FAIL} reads before stopping is
 * exactly what {@code SKIP} reads first; and every image a sample refers to is a regular file
 * inside the image root, however the record spells its path (the root holds a symbolic link
 * to a file outside it).
 *
 * <p>The first input byte picks the format and container, the rest is the file. Seeds in
 * {@code src/test/resources/ai/solo/impl/train/data/DatasetReaderFuzzTestInputs} hold valid and
 * hostile records of each format. A plain test run replays them; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DatasetReaderFuzzTest {
    private static final DataFormat[] FORMATS = {DataFormat.LLAVA, DataFormat.SOLO_PRETRAINING,
        DataFormat.LABELLED_IMAGES, DataFormat.TEXT};
    @TempDir
    static Path base;
    private static Path root;
    private static Path realRoot;

    /** base/root/{a.png, sub/b.png, escape.png -> ../secret.png, link -> ..}, base/secret.png */
    @BeforeAll
    static void layout() throws IOException {
        root = Files.createDirectories(base.resolve("root"));
        DataFixtures.png(root.resolve("a.png"));
        DataFixtures.png(root.resolve("sub/b.png"));
        DataFixtures.png(base.resolve("secret.png"));
        Files.createSymbolicLink(root.resolve("escape.png"), base.resolve("secret.png"));
        Files.createSymbolicLink(root.resolve("link"), base);
        realRoot = root.toRealPath();
    }

    @FuzzTest(maxDuration = "20s")
    void readersEndOrRefuseAnyFile(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        DataFormat format = FORMATS[selector & 3];
        String name = format == DataFormat.TEXT && (selector & 4) != 0 ? "data.txt" : "data.jsonl";
        byte[] content = Arrays.copyOfRange(input, 1, input.length);
        Path file = write(root, name, content, (selector >> 3) & 3);
        try {
            Pass skipping = pass(format, file, MalformedRecords.SKIP);
            Pass failing = pass(format, file, MalformedRecords.FAIL);
            if (failing.origins.size() > skipping.origins.size()
                    || !skipping.origins.subList(0, failing.origins.size()).equals(failing.origins)) {
                throw new AssertionError("FAIL read " + failing.origins + " but SKIP read " + skipping.origins);
            }
            if (failing.error == null && (skipping.error != null || !skipping.origins.equals(failing.origins))) {
                throw new AssertionError("FAIL found nothing malformed but SKIP read " + skipping.origins
                        + " (error " + skipping.error + ")");
            }
        } finally {
            Files.delete(file);
        }
    }

    /** What one pass over the file produced. */
    private record Pass(List<String> origins, InvalidInputException error) {
    }

    private static Pass pass(DataFormat format, Path file, MalformedRecords policy) {
        List<String> origins = new ArrayList<>();
        try (SampleSource source = SampleReaders.read(format, file, null, policy)) {
            for (TrainingSample sample : source) {
                checkImagesStayInTheRoot(sample);
                origins.add(sample.origin());
            }
            return new Pass(origins, null);
        } catch (InvalidInputException e) {
            if (e.getMessage() == null || !e.getMessage().contains(file.getFileName().toString())) {
                throw new AssertionError("the error does not name " + file.getFileName() + ": " + e.getMessage(), e);
            }
            return new Pass(origins, e);
        }
    }

    private static void checkImagesStayInTheRoot(TrainingSample sample) {
        if (sample.conversation().messages().isEmpty()) {
            throw new AssertionError(sample.origin() + ": a sample without turns");
        }
        for (Conversation.Message message : sample.conversation().messages()) {
            for (Prompt.Part part : message.content().parts()) {
                if (part instanceof Prompt.Image image && image.source() instanceof Prompt.FileImage f) {
                    Path real = realPath(f.path());
                    if (!real.startsWith(realRoot) || !Files.isRegularFile(real)) {
                        throw new AssertionError(sample.origin() + ": image " + f.path() + " is " + real
                                + ", not a file inside " + realRoot);
                    }
                }
            }
        }
    }

    /** Writes the data file: plain, gzipped, or the raw bytes under a {@code .gz} name. */
    private static Path write(Path folder, String name, byte[] content, int container) throws IOException {
        if (container == 2) {
            Path file = folder.resolve(name + ".gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(content);
            }
            return file;
        }
        return Files.write(folder.resolve(container == 3 ? name + ".gz" : name), content);
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new AssertionError("a sample names an image that does not resolve: " + path, e);
        }
    }
}
