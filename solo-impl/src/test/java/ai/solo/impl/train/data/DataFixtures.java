package ai.solo.impl.train.data;

import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.train.SampleSource;
import ai.solo.train.TrainingSample;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Small files for the reader tests. */
final class DataFixtures {
    private DataFixtures() {
    }

    /** Writes a 4x4 PNG (creating folders) and returns its path. */
    static Path png(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 2, 0xFF0000);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static Path writeGzip(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    static List<TrainingSample> all(SampleSource source) {
        List<TrainingSample> samples = new ArrayList<>();
        source.forEach(samples::add);
        return samples;
    }

    static List<String> origins(List<TrainingSample> samples) {
        return samples.stream().map(TrainingSample::origin).toList();
    }

    /** @return the text of every turn, e.g. {@code ["USER:Hi", "ASSISTANT:Hello"]} */
    static List<String> turns(TrainingSample sample) {
        return sample.conversation().messages().stream().map(m -> m.role() + ":" + m.text()).toList();
    }

    /** @return the parts of a turn as {@code text:...} / {@code image:<file or url>} */
    static List<String> parts(Conversation.Message message) {
        return message.content().parts().stream().map(DataFixtures::describe).toList();
    }

    private static String describe(Prompt.Part part) {
        if (part instanceof Prompt.Text t) {
            return "text:" + t.text();
        }
        Prompt.ImageSource source = ((Prompt.Image) part).source();
        if (source instanceof Prompt.FileImage f) {
            return "image:" + f.path();
        }
        if (source instanceof Prompt.DataUrlImage d) {
            return "image:" + d.url();
        }
        return "image:" + source;
    }
}
