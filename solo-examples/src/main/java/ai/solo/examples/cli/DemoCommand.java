package ai.solo.examples.cli;

import ai.solo.Logits;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code solo demo}: the whole inference path on an embedded tiny model, with no download:
 * draw an image, patch it, lay it out with text, run the model, save the checkpoint in Hugging
 * Face layout, load it back and check the logits are identical.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the SDK end to end on an embedded tiny model (no downloads).")
final class DemoCommand implements Callable<Integer> {
    /** Vocabulary of the embedded model: 1000 text ids, then SOLO's vision tokens. */
    static final int VOCAB = 1031;
    static final VisionTokens TOKENS = new VisionTokens(1000, 1001, 1002, 1003, 1004);

    @Option(names = "--out", defaultValue = "solo-demo", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    /**
     * What the demo did.
     *
     * @param patches the image's patches
     * @param sequenceLength tokens fed to the model
     * @param nextToken the most likely next token
     * @param reloadedMaxAbsDiff largest logit difference after save and reload (0 expected)
     * @param checkpoint where the checkpoint was written
     */
    record Result(ImagePatches patches, int sequenceLength, int nextToken, double reloadedMaxAbsDiff, Path checkpoint) {
    }

    @Override
    public Integer call() {
        Result r = run(out, seed, spec.commandLine().getOut());
        return r.reloadedMaxAbsDiff() == 0.0 ? 0 : 1;
    }

    /** @return the embedded tiny config: hidden 64, 2 layers, 4 heads, 2 kv heads, patch 32 */
    static SoloConfig tinyConfig() {
        return SoloConfig.builder().vocabSize(VOCAB).hiddenSize(64).intermediateSize(176)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2)
                .maxPositionEmbeddings(4096).build();
    }

    static Result run(Path out, long seed, PrintWriter log) {
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + out, e);
        }
        ImagePatcher patcher = ImagePatcher.create();
        ImagePatches patches = patcher.patchify(drawScene());
        patcher.writeGridPng(patches, out.resolve("patch-grid.png"));
        log.printf("image 200x120 -> %d x %d patches (%s)%n", patches.grid().rows(), patches.grid().cols(),
                out.resolve("patch-grid.png"));

        TokenSequence seq = SequenceBuilder.create(TOKENS, ImageClose.VISION_END)
                .image(patches)
                .tokens(new int[] {1, 733, 824, 868}, false)
                .build();
        Path checkpoint = out.resolve("checkpoint");
        try (SoloModel model = SoloModel.create(tinyConfig(), seed)) {
            log.printf("model: %,d parameters (random, seed %d)%n", model.parameterCount(), seed);
            Logits logits = model.logits(seq);
            int next = logits.argmax(0, seq.length() - 1);
            log.printf("sequence of %d tokens -> next token %d%n", seq.length(), next);
            model.save(checkpoint);
            try (SoloModel reloaded = SoloModel.load(checkpoint)) {
                double diff = maxAbsDiff(logits.values(), reloaded.logits(seq).values());
                log.printf("saved to %s and reloaded: logits max abs difference %s%n", checkpoint, diff);
                return new Result(patches, seq.length(), next, diff, checkpoint);
            }
        }
    }

    private static BufferedImage drawScene() {
        BufferedImage img = new BufferedImage(200, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(230, 240, 250));
        g.fillRect(0, 0, 200, 120);
        g.setColor(Color.RED);
        g.fillOval(20, 20, 60, 60);
        g.setColor(new Color(30, 120, 40));
        g.fillRect(110, 40, 70, 50);
        g.dispose();
        return img;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
