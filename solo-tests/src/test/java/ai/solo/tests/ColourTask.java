package ai.solo.tests;

import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.Prompt;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.LossRule;
import ai.solo.train.SampleSource;
import ai.solo.train.SampleSources;
import ai.solo.train.Stage;
import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSample;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** A synthetic image-text task for training tests: solid-colour images captioned with their colour. */
final class ColourTask {
    private static final String[] COLOURS = {"red", "green", "blue", "yellow"};
    private static final Color[] RGB = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};

    private ColourTask() {
    }

    /** @return a tiny model with the real Mistral vocabulary and the given tokenizer attached */
    static SoloModel tinyModel(long seed, SoloTokenizer tokenizer) {
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(32).intermediateSize(64)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(2).build();
        SoloModel model = SoloModel.create(config, seed);
        model.attachTokenizer(tokenizer);
        return model;
    }

    static BufferedImage solid(Color c, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    /** @return {@code count} captioned solid-colour images */
    static SampleSource colours(int count) {
        List<TrainingSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = i % COLOURS.length;
            Conversation conv = Conversation.builder()
                    .user(Prompt.builder().image(solid(RGB[c], 32 + 32 * (i % 2), 32)).build())
                    .assistant("a " + COLOURS[c] + " square")
                    .build();
            samples.add(new TrainingSample(conv, TrainingSample.Kind.CAPTION, "colours:" + i));
        }
        return SampleSources.of("colours", samples);
    }

    /** @return a caption stage of {@code steps} steps over 16 samples, rows of 64 tokens, batch (4, 2) */
    static Stage.Builder captionStage(int steps) {
        return Stage.builder("captions").source(colours(16), 1.0).lossRule(LossRule.ALL_TEXT).steps(steps)
                .packLength(64).batch(4, 2).learningRate(1e-2, 1e-3, 2).weightDecay(0.0, false);
    }

    /** Records every step's loss and whether it was skipped. */
    static final class Losses implements TrainingListener {
        final List<Double> values = new ArrayList<>();
        final List<Boolean> skipped = new ArrayList<>();

        @Override
        public void onStep(StepMetrics step) {
            values.add(step.loss());
            skipped.add(step.skipped());
        }
    }
}
