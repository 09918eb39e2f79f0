package ai.solo.examples.caption;

import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.image.ImagePatcher;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Captions every image of a folder, several at a time, into a JSONL file of
 * {@code {"image": "cat.jpg", "caption": "..."}} lines.
 *
 * <pre>
 * bin/solo-example caption.CaptionFolder MODEL_DIR photos/ captions.jsonl ["Describe the image."]
 * </pre>
 *
 * <p>Images are the folder's {@code .jpg}, {@code .jpeg}, {@code .png}, {@code .bmp},
 * {@code .gif} and {@code .webp} files, in name order (sub-folders are not searched). One that
 * cannot be read is skipped with a message naming it; the others are still captioned.
 *
 * <p>The output is written to a temporary file beside it and moved into place at the end, so an
 * interrupted run never leaves a half-written file where a complete one was.
 */
public final class CaptionFolder {
    /** What is asked about each image unless another prompt is given. */
    public static final String DEFAULT_PROMPT = "Describe the image.";
    /**
     * Images per batched forward pass. A batch is padded to its longest prompt and decodes until
     * its longest answer ends, so larger batches trade padding waste for fewer passes.
     */
    public static final int BATCH = 8;

    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaptionFolder() {
    }

    /**
     * What a run did.
     *
     * @param output the JSONL file
     * @param captioned images captioned, one line each
     * @param skipped images that could not be read
     */
    public record Result(Path output, int captioned, List<Path> skipped) {
    }

    /**
     * @param args model folder, image folder, output file, optional prompt
     */
    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: CaptionFolder MODEL_DIR IMAGE_DIR OUT.jsonl [PROMPT]");
            System.exit(2);
        }
        String prompt = args.length == 4 ? args[3] : DEFAULT_PROMPT;
        try (SoloModel model = SoloModel.load(Path.of(args[0]))) {
            GenerationConfig config = GenerationConfig.builder().maxNewTokens(64).build();
            Result r = caption(Generator.create(model), Path.of(args[1]), Path.of(args[2]), prompt, config, System.err);
            System.out.printf("captioned %d images into %s; %d skipped%n", r.captioned(), r.output(), r.skipped().size());
        } catch (SoloException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Captions the folder's images.
     *
     * @param generator the model's generator
     * @param folder the images
     * @param output the JSONL file to write (replaced if it exists)
     * @param prompt what to ask about each image
     * @param config decoding options, shared by every image
     * @param log where skipped images are reported
     * @return what was written
     */
    public static Result caption(Generator generator, Path folder, Path output, String prompt,
            GenerationConfig config, PrintStream log) {
        List<Path> images = listImages(folder);
        ImagePatcher decoder = ImagePatcher.create();
        List<Path> skipped = new ArrayList<>();
        int captioned = 0;

        Path dir = output.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            // same folder as the output: a move within one file system can be atomic
            tmp = Files.createTempFile(dir, "." + output.getFileName(), ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int from = 0; from < images.size(); from += BATCH) {
                    List<Path> files = new ArrayList<>();
                    List<Conversation> prompts = new ArrayList<>();
                    for (Path file : images.subList(from, Math.min(from + BATCH, images.size()))) {
                        // Decode up front: one bad file would otherwise fail its whole batch.
                        BufferedImage image = decode(decoder, file, log);
                        if (image == null) {
                            skipped.add(file);
                            continue;
                        }
                        files.add(file);
                        prompts.add(Conversation.of(Prompt.builder().image(image).text(prompt).build()));
                    }
                    if (prompts.isEmpty()) {
                        continue;
                    }
                    List<GenerationResult> answers = generator.generateBatch(prompts, config);
                    for (int i = 0; i < answers.size(); i++) {
                        Map<String, String> line = new LinkedHashMap<>();
                        line.put("image", files.get(i).getFileName().toString());
                        line.put("caption", answers.get(i).text().strip());
                        out.write(JSON.writeValueAsString(line));
                        out.write('\n');
                    }
                    captioned += answers.size();
                }
            }
            moveIntoPlace(tmp, output);
            return new Result(output, captioned, List.copyOf(skipped));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output, e);
        } finally {
            deleteLeftover(tmp, log); // gone already after a successful move
        }
    }

    private static List<Path> listImages(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).filter(CaptionFolder::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the images in " + folder, e);
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** @return the image, or null after reporting why it cannot be read */
    private static BufferedImage decode(ImagePatcher decoder, Path file, PrintStream log) {
        try {
            // the size check first: a huge file must not be read into memory just to be refused
            if (Files.size(file) > decoder.settings().maxEncodedBytes()) {
                log.println("skipping " + file + ": larger than " + decoder.settings().maxEncodedBytes() + " bytes");
                return null;
            }
            return decoder.decode(Files.readAllBytes(file));
        } catch (IOException | SoloException e) {
            log.println("skipping " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static void moveIntoPlace(Path tmp, Path output) throws IOException {
        try {
            Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteLeftover(Path tmp, PrintStream log) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // reported, not thrown: it must not hide the error that got us here, if any
            log.println("cannot delete the temporary file " + tmp + ": " + e.getMessage());
        }
    }
}
