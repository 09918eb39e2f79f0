package ai.solo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.image.PatchGrid;
import ai.solo.text.TokenSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBatchTest {

    private static TokenSequence seq(int[] ids, int[] patchIdx, int patches) {
        return new TokenSequence(ids, patchIdx, new boolean[ids.length], new float[patches * 3], patches == 0 ? 0 : 3,
                List.of());
    }

    @Test
    void padsToLongestAndShiftsPatchIndicesOfLaterSequences() {
        TokenSequence a = seq(new int[] {5, 6, 7}, new int[] {-1, 0, 1}, 2);
        TokenSequence b = seq(new int[] {8, 9}, new int[] {0, -1}, 1);

        ModelBatch batch = ModelBatch.of(List.of(a, b));

        assertThat(batch.seqLen()).isEqualTo(3);
        assertThat(batch.inputIds()).containsExactly(5, 6, 7, 8, 9, 0);
        assertThat(batch.attentionMask()).containsExactly(1, 1, 1, 1, 1, 0);
        assertThat(batch.patchIndices()).containsExactly(-1, 0, 1, 2, -1, -1);
        assertThat(batch.patchCount()).isEqualTo(3);
    }

    @Test
    void textOnlySequencesJoinImageSequences() {
        TokenSequence text = seq(new int[] {1, 2}, new int[] {-1, -1}, 0);
        TokenSequence image = seq(new int[] {3}, new int[] {0}, 1);

        ModelBatch batch = ModelBatch.of(List.of(text, image));

        assertThat(batch.patchDim()).isEqualTo(3);
        assertThat(batch.patchIndices()).containsExactly(-1, -1, 0, -1);
    }

    @Test
    void rejectsPatchIndexBeyondPatches() {
        assertThatThrownBy(() -> new ModelBatch(1, 2, new int[] {1, 2}, new int[] {-1, 1}, new float[3], 3,
                new int[] {1, 1}, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("patchIndices[1]");
    }

    @Test
    void rejectsMismatchedLengthsAndBadMask() {
        assertThatThrownBy(() -> new ModelBatch(1, 3, new int[] {1, 2}, new int[] {-1, -1, -1}, new float[0], 0,
                new int[] {1, 1, 1}, null)).hasMessageContaining("inputIds");
        assertThatThrownBy(() -> new ModelBatch(1, 1, new int[] {1}, new int[] {-1}, new float[0], 0,
                new int[] {2}, null)).hasMessageContaining("attentionMask[0]");
    }

    @Test
    void logitsIndexRowMajorAndArgmaxTakesLowestIdOnTies() {
        Logits l = new Logits(1, 2, 3, new float[] {0, 5, 5, 9, 1, 2});

        assertThat(l.get(0, 1, 0)).isEqualTo(9f);
        assertThat(l.argmax(0, 0)).isEqualTo(1);
        assertThat(l.row(0, 1)).containsExactly(9f, 1f, 2f);
        assertThatThrownBy(() -> l.get(0, 2, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void patchGridCountsPixels() {
        PatchGrid g = new PatchGrid(3, 4, 32);
        assertThat(g.width()).isEqualTo(128);
        assertThat(g.height()).isEqualTo(96);
        assertThat(g.patchDim()).isEqualTo(3072);
    }
}
