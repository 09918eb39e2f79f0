package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.Logits;
import ai.solo.ModelBatch;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.image.PatchGrid;
import ai.solo.text.TokenSequence;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link SoloModel} implementation must do, on tiny random configs so CI needs no
 * real weights. An implementation's test extends this class and says how to create a model.
 */
public abstract class SoloModelContract {
    @TempDir
    Path dir;

    /**
     * @param config the model shape
     * @param seed the weight seed
     * @return a fresh model of the implementation under test
     */
    protected abstract SoloModel create(SoloConfig config, long seed);

    /**
     * @param dir a checkpoint folder written by {@link SoloModel#save}
     * @return the model loaded by the implementation under test
     */
    protected abstract SoloModel load(Path dir);

    protected static SoloConfig tinyConfig() {
        return SoloConfig.builder().vocabSize(257).hiddenSize(32).intermediateSize(48)
                .numHiddenLayers(2).numAttentionHeads(4).numKeyValueHeads(1).visionPatchSize(4).build();
    }

    protected static TokenSequence sequence(SoloConfig config, int length, int patches, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = r.ints(length, 0, config.vocabSize()).toArray();
        int[] idx = new int[length];
        Arrays.fill(idx, -1);
        for (int p = 0; p < patches; p++) {
            idx[1 + p] = p;
        }
        float[] values = new float[patches * config.patchDim()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) r.nextGaussian();
        }
        List<PatchGrid> grids = patches == 0 ? List.of() : List.of(new PatchGrid(1, patches, config.visionPatchSize()));
        return new TokenSequence(ids, idx, new boolean[length], values, patches == 0 ? 0 : config.patchDim(), grids);
    }

    @Test
    void logitsCoverEveryPositionAndTokenAndAreFinite() {
        SoloConfig c = tinyConfig();
        try (SoloModel m = create(c, 1)) {
            Logits l = m.logits(sequence(c, 9, 3, 1));

            assertThat(l.batchSize()).isEqualTo(1);
            assertThat(l.seqLen()).isEqualTo(9);
            assertThat(l.vocabSize()).isEqualTo(c.vocabSize());
            for (float v : l.values()) {
                assertThat(v).isFinite();
            }
            assertThat(m.parameterCount()).isEqualTo(c.parameterCount());
        }
    }

    @Test
    void sameSeedSameModel() {
        SoloConfig c = tinyConfig();
        TokenSequence s = sequence(c, 7, 2, 2);
        try (SoloModel a = create(c, 5); SoloModel b = create(c, 5)) {
            assertThat(a.logits(s).values()).containsExactly(b.logits(s).values());
        }
    }

    @Test
    void laterTokensNeverChangeEarlierLogits() {
        SoloConfig c = tinyConfig();
        TokenSequence s = sequence(c, 8, 2, 3);
        int[] changed = s.inputIds().clone();
        changed[7] = (changed[7] + 1) % c.vocabSize();
        TokenSequence t = new TokenSequence(changed, s.patchIndices(), s.lossMask(), s.patches(), s.patchDim(), s.grids());
        try (SoloModel m = create(c, 1)) {
            Logits a = m.logits(s);
            Logits b = m.logits(t);
            for (int pos = 0; pos < 7; pos++) {
                assertThat(a.row(0, pos)).containsExactly(b.row(0, pos));
            }
        }
    }

    @Test
    void batchedSequencesMatchEachRunAlone() {
        SoloConfig c = tinyConfig();
        TokenSequence longer = sequence(c, 10, 3, 4);
        TokenSequence shorter = sequence(c, 6, 2, 5);
        try (SoloModel m = create(c, 1)) {
            Logits batched = m.logits(ModelBatch.of(List.of(longer, shorter)));
            Logits alone = m.logits(shorter);
            for (int pos = 0; pos < 6; pos++) {
                float[] x = batched.row(1, pos);
                float[] y = alone.row(0, pos);
                for (int v = 0; v < x.length; v++) {
                    assertThat(x[v]).isCloseTo(y[v], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void savedModelLoadsWithIdenticalLogits() {
        SoloConfig c = tinyConfig();
        TokenSequence s = sequence(c, 6, 1, 6);
        try (SoloModel m = create(c, 9)) {
            m.save(dir);
            try (SoloModel loaded = load(dir)) {
                assertThat(loaded.config()).isEqualTo(c);
                assertThat(loaded.logits(s).values()).containsExactly(m.logits(s).values());
            }
        }
    }

    @Test
    void tokenOutsideVocabularyIsInvalidInput() {
        SoloConfig c = tinyConfig();
        TokenSequence s = sequence(c, 4, 0, 7);
        int[] ids = s.inputIds().clone();
        ids[2] = c.vocabSize();
        try (SoloModel m = create(c, 1)) {
            assertThatThrownBy(() -> m.logits(new TokenSequence(ids, s.patchIndices(), s.lossMask(), s.patches(), 0, List.of())))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void closeIsIdempotent() {
        SoloModel m = create(tinyConfig(), 1);
        m.close();
        m.close();
    }
}
