package ai.solo.tests.examples;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.examples.quickstart.Quickstart;
import ai.solo.text.SoloTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;

/**
 * What the example tests share: the repository's files (README, the shipped LLaVA sample) and a
 * tiny random SOLO checkpoint with the quickstart's embedded tokenizer, small enough to train and
 * generate with in well under a second.
 */
final class ExampleFixtures {
    private ExampleFixtures() {
    }

    /** @return the repository root: the first folder up from the working directory with the README and solo-examples */
    static Path repoRoot() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("solo-examples"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Paths.get("").toAbsolutePath());
    }

    /** @return {@code solo-examples/data/llava-sample} */
    static Path llavaSample() {
        return repoRoot().resolve("solo-examples/data/llava-sample");
    }

    /**
     * Writes a one-layer, 32-wide SOLO model with 32-pixel patches and the quickstart tokenizer
     * (1,376 ids, SOLO's tokens included) in Hugging Face layout.
     *
     * @param dir the checkpoint folder to create
     * @return {@code dir}
     */
    static Path tinyCheckpoint(Path dir) {
        Path tokenizerDir = dir.resolveSibling(dir.getFileName() + "-tokenizer");
        Quickstart.writeTokenizer(tokenizerDir);
        try (SoloTokenizer tokenizer = SoloTokenizer.load(tokenizerDir);
                SoloModel model = SoloModel.create(SoloConfig.builder().vocabSize(tokenizer.vocabSize())
                        .hiddenSize(32).intermediateSize(64).numHiddenLayers(1).numAttentionHeads(2)
                        .numKeyValueHeads(1).visionPatchSize(32).maxPositionEmbeddings(1024).build(), 3)) {
            model.attachTokenizer(tokenizer);
            model.save(dir);
        }
        return dir;
    }

    /**
     * @param file PNG file to write
     * @param width pixels
     * @param height pixels
     * @param seed varies the colours
     * @return {@code file}
     */
    static Path png(Path file, int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 4 + seed * 50) & 0xFF) << 16 | ((y * 4) & 0xFF) << 8 | (seed * 90 & 0xFF));
            }
        }
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
