package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.Logits;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.image.ImagePatcher;
import ai.solo.image.ImagePatches;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.SoloTokenizer;
import ai.solo.text.TokenSequence;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's flow through the public API only: image and text in, logits out, with the real
 * Mistral tokenizer and SOLO-7B's vocabulary layout on a tiny model.
 */
class EndToEndTest {
    @TempDir
    Path dir;

    private static SoloConfig tinyWithSolo7bVocabulary() {
        return SoloConfig.builder().vocabSize(33031).hiddenSize(16).intermediateSize(32)
                .numHiddenLayers(1).numAttentionHeads(2).numKeyValueHeads(1).build();
    }

    @Test
    void imageAndQuestionBecomeSolo7bSequenceAndLogits() {
        try (SoloModel model = SoloModel.create(tinyWithSolo7bVocabulary(), 3);
                SoloTokenizer tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            model.attachTokenizer(tokenizer);
            ImagePatches image = ImagePatcher.create().patchify(Fixtures.soloTiny().resolve("image.png"));

            TokenSequence seq = SequenceBuilder.create(tokenizer, ImageClose.VISION)
                    .image(image)
                    .bos()
                    .text("[INST] What is in the picture? [/INST]", false)
                    .text("A cat.", true)
                    .eos(true)
                    .build();
            Logits logits = model.logits(seq);

            // <vision> 32000, 3 rows of 4 <vpatch> 32001 split by <vrow_sep> 32002, closed by <vision>
            int[] expectedImage = {32000, 32001, 32001, 32001, 32001, 32002, 32001, 32001, 32001, 32001, 32002,
                32001, 32001, 32001, 32001, 32000};
            assertThat(Arrays.copyOf(seq.inputIds(), 16)).containsExactly(expectedImage);
            assertThat(seq.inputIds()[16]).isEqualTo(1);
            assertThat(seq.inputIds()[17]).isEqualTo(733); // "[" of "[INST]"
            assertThat(seq.patchCount()).isEqualTo(12);
            assertThat(seq.lossMask()[seq.length() - 1]).isTrue();
            assertThat(seq.lossMask()[17]).isFalse();
            assertThat(logits.seqLen()).isEqualTo(seq.length());
            assertThat(logits.vocabSize()).isEqualTo(33031);
        }
    }

    @Test
    void savedFolderBringsItsTokenizerBack() {
        try (SoloModel model = SoloModel.create(tinyWithSolo7bVocabulary(), 3);
                SoloTokenizer tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer())) {
            model.attachTokenizer(tokenizer);
            model.save(dir);
            // the caller keeps ownership of an attached tokenizer: closing the model leaves it usable
            model.close();
            assertThat(tokenizer.encode("This is a")).containsExactly(851, 349, 264);
        }

        try (SoloModel loaded = SoloModel.load(dir)) {
            SoloTokenizer tokenizer = loaded.tokenizer().orElseThrow();
            assertThat(tokenizer.encode("This is a")).containsExactly(851, 349, 264);
            assertThat(tokenizer.visionTokens().vpatch()).isEqualTo(32001);
            assertThat(dir.resolve("tokenizer.json")).exists();
        }
    }
}
