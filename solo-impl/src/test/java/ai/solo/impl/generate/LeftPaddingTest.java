package ai.solo.impl.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.ModelBatch;
import ai.solo.text.TokenSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeftPaddingTest {

    private static TokenSequence seq(int[] ids, int[] patchIdx, int patchDim, float... patches) {
        return new TokenSequence(ids, patchIdx, new boolean[ids.length], patches, patchDim, List.of());
    }

    @Test
    void shorterPromptsArePaddedOnTheLeftAndMasked() {
        TokenSequence longer = seq(new int[] {1, 5, 6, 7}, new int[] {-1, -1, -1, -1}, 0);
        TokenSequence shorter = seq(new int[] {1, 8}, new int[] {-1, -1}, 0);

        ModelBatch batch = LeftPadding.batch(List.of(longer, shorter));

        assertThat(batch.batchSize()).isEqualTo(2);
        assertThat(batch.seqLen()).isEqualTo(4);
        assertThat(batch.inputIds()).containsExactly(1, 5, 6, 7, 0, 0, 1, 8);
        assertThat(batch.attentionMask()).containsExactly(1, 1, 1, 1, 0, 0, 1, 1);
        assertThat(batch.patchIndices()).containsOnly(-1);
        assertThat(batch.positionIds()).isNull(); // derived from the mask: real tokens count from 0
    }

    @Test
    void patchIndicesOfLaterRowsFollowTheEarlierRowsPatches() {
        TokenSequence two = seq(new int[] {9, 3, 3, 9}, new int[] {-1, 0, 1, -1}, 2, 1f, 2f, 3f, 4f);
        TokenSequence one = seq(new int[] {9, 3, 9}, new int[] {-1, 0, -1}, 2, 5f, 6f);

        ModelBatch batch = LeftPadding.batch(List.of(one, two));

        assertThat(batch.patchIndices()).containsExactly(-1, -1, 0, -1, -1, 1, 2, -1);
        assertThat(batch.patches()).containsExactly(5f, 6f, 1f, 2f, 3f, 4f);
        assertThat(batch.patchDim()).isEqualTo(2);
    }

    @Test
    void textOnlyPromptsMixWithImagePrompts() {
        TokenSequence text = seq(new int[] {1, 2}, new int[] {-1, -1}, 0);
        TokenSequence image = seq(new int[] {9, 3, 9}, new int[] {-1, 0, -1}, 2, 5f, 6f);

        ModelBatch batch = LeftPadding.batch(List.of(text, image));

        assertThat(batch.patchIndices()).containsExactly(-1, -1, -1, -1, 0, -1);
        assertThat(batch.patchDim()).isEqualTo(2);
    }

    @Test
    void promptsWithDifferentPatchSizesAreRefused() {
        TokenSequence a = seq(new int[] {3}, new int[] {0}, 2, 1f, 2f);
        TokenSequence b = seq(new int[] {3}, new int[] {0}, 3, 1f, 2f, 3f);

        assertThatThrownBy(() -> LeftPadding.batch(List.of(a, b))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("patch sizes");
    }
}
