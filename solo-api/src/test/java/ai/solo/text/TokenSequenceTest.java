package ai.solo.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.image.PatchGrid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSequenceTest {

    @Test
    void labelsKeepTargetIdsAndIgnoreTheRest() {
        TokenSequence seq = new TokenSequence(new int[] {5, 6, 7}, new int[] {-1, -1, -1},
                new boolean[] {false, true, true}, new float[0], 0, List.of());

        assertThat(seq.labels()).containsExactly(TokenSequence.IGNORE_INDEX, 6, 7);
        assertThat(seq.length()).isEqualTo(3);
        assertThat(seq.patchCount()).isZero();
    }

    @Test
    void rejectsArraysOfDifferentLengths() {
        assertThatThrownBy(() -> new TokenSequence(new int[] {1, 2}, new int[] {-1}, new boolean[2], new float[0], 0,
                List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("patchIndices (1)");
    }

    @Test
    void rejectsPatchIndexWithoutAPatch() {
        assertThatThrownBy(() -> new TokenSequence(new int[] {1, 2}, new int[] {-1, 1}, new boolean[2], new float[12],
                12, List.of(new PatchGrid(1, 1, 2))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("patchIndices[1] = 1");
    }

    @Test
    void rejectsPatchValuesThatAreNotWholePatches() {
        assertThatThrownBy(() -> new TokenSequence(new int[] {1}, new int[] {-1}, new boolean[1], new float[13], 12,
                List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("13");
    }

    @Test
    void copiesTheGridList() {
        List<PatchGrid> grids = new ArrayList<>(List.of(new PatchGrid(1, 1, 2)));
        TokenSequence seq = new TokenSequence(new int[] {1}, new int[] {0}, new boolean[1], new float[12], 12, grids);

        grids.clear();

        assertThat(seq.grids()).hasSize(1);
        assertThat(seq.patchCount()).isEqualTo(1);
    }
}
