package ai.solo.examples.finetune;

import ai.solo.examples.quickstart.SyntheticData;
import ai.solo.examples.quickstart.VisualQuestion;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes the LLaVA-format sample that {@link FineTuneLlava} trains on: {@code train.json} plus
 * {@code images/NNN.png}, drawn by the quickstart's synthetic data generator (questions about
 * coloured shapes, counts, positions, rendered text and bar charts, with their exact answers).
 *
 * <pre>
 * bin/solo-example finetune.MakeLlavaSample solo-examples/data/llava-sample
 * </pre>
 *
 * <p>The sample is shipped in {@code solo-examples/data/llava-sample}; this class is how it was
 * made. Rerunning it reproduces the same files: the generator is seeded, JSON is written with
 * {@code \n} line ends whatever the platform, and the JDK's PNG encoder writes no time stamp. (The
 * PNG bytes come from the JDK's zlib, so another JDK may compress the same pixels differently.)
 */
public final class MakeLlavaSample {
    /** Records in the shipped sample. */
    public static final int COUNT = 100;
    /**
     * Data seed. Not the quickstart's (42, whose SFT stream uses 45): the sample stands for a
     * user's own data, so its images are not the ones the quickstart trained on.
     */
    public static final long SEED = 7;

    private MakeLlavaSample() {
    }

    /**
     * @param args the output folder (default {@code solo-examples/data/llava-sample})
     */
    public static void main(String[] args) {
        if (args.length > 1) {
            System.err.println("usage: MakeLlavaSample [OUT_DIR]");
            System.exit(2);
        }
        Path out = Path.of(args.length == 1 ? args[0] : "solo-examples/data/llava-sample");
        Path json = write(out, COUNT, SEED);
        System.out.println("wrote " + COUNT + " records to " + json);
    }

    /**
     * Writes {@code count} records.
     *
     * @param out folder to write {@code train.json} and {@code images/} into, created if needed
     * @param count records to write
     * @param seed data seed
     * @return the JSON file
     */
    public static Path write(Path out, int count, long seed) {
        ObjectMapper json = new ObjectMapper();
        ArrayNode records = json.createArrayNode();
        try {
            Path images = Files.createDirectories(out.resolve("images"));
            for (int i = 0; i < count; i++) {
                VisualQuestion q = SyntheticData.question(seed, i, SyntheticData.Split.TRAIN);
                String name = String.format(Locale.ROOT, "%03d.png", i);
                ImageIO.write(q.picture().render(), "png", images.resolve(name).toFile());

                ObjectNode record = records.addObject();
                record.put("id", String.format(Locale.ROOT, "sample-%03d", i));
                // relative to the image root, as LLaVA's own files are
                record.put("image", name);
                ArrayNode turns = record.putArray("conversations");
                turns.addObject().put("from", "human").put("value", "<image>\n" + q.question());
                turns.addObject().put("from", "gpt").put("value", q.answer());
            }
            // the default pretty printer ends lines with the platform's separator: pin it to \n
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            Path file = out.resolve("train.json");
            Files.writeString(file, json.writer(printer).writeValueAsString(records) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the LLaVA sample to " + out, e);
        }
    }
}
