package ai.solo.impl.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.solo.impl.engine.Engines;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Which keys each query block scores: never more than the examples it touches. */
class QueryBlocksTest {

    @Test
    void keyRangeStartsAtTheEarliestExampleTheBlockTouches() {
        // row 0: examples of 6, 10, 4 tokens then padding; row 1: one example of 16, then 4 and padding
        int[] segments = new int[2 * 24];
        fill(segments, 0, 0, 6, 0);
        fill(segments, 0, 6, 16, 1);
        fill(segments, 0, 16, 20, 2);
        fill(segments, 0, 20, 24, -1);
        fill(segments, 24, 0, 16, 0);
        fill(segments, 24, 16, 20, 1);
        fill(segments, 24, 20, 24, -1);
        long[] keys = new long[48];
        for (int i = 0; i < 48; i++) {
            keys[i] = segments[i] < 0 ? -1 : i % 24;
        }
        try (NDManager manager = Engines.newManager(ai.solo.ModelOptions.defaults())) {
            List<AttentionBlock> blocks = QueryBlocks.plan(manager, keys, 2, 24, OptionalInt.empty(), segments, 8);

            assertThat(blocks).extracting(AttentionBlock::queryStart).containsExactly(0, 8, 16);
            // queries 8..15: row 0 is in the example starting at 6, row 1 in the one starting at 0
            assertThat(blocks).extracting(AttentionBlock::keyStart).containsExactly(0, 0, 16);
            assertThat(blocks).extracting(AttentionBlock::keyEnd).containsExactly(8, 16, 24);
            assertThat(blocks.get(2).mask().getShape().getShape()).containsExactly(2, 1, 1, 8, 8);

            List<AttentionBlock> windowed = QueryBlocks.plan(manager, keys, 2, 24, OptionalInt.of(3), segments, 8);
            // block 2 may start at key 6 (window), taken down to the block boundary at 0
            assertThat(windowed).extracting(AttentionBlock::keyStart).containsExactly(0, 0, 16);
            List<AttentionBlock> small = QueryBlocks.plan(manager, keys, 2, 24, OptionalInt.empty(), segments, 5);
            // queries 15..19: row 0 in the examples from 6 and 16, row 1 from 0 and 16 -> 0
            assertThat(small).extracting(AttentionBlock::keyStart).containsExactly(0, 0, 0, 0, 20);
        }
    }

    @Test
    void shortRowsAreOneBlockOverEveryKey() {
        int[] segments = new int[10];
        long[] keys = new long[10];
        for (int i = 0; i < 10; i++) {
            keys[i] = i;
        }
        try (NDManager manager = Engines.newManager(ai.solo.ModelOptions.defaults())) {
            List<AttentionBlock> blocks = QueryBlocks.plan(manager, keys, 1, 10, OptionalInt.empty(), segments, 512);
            assertThat(blocks).hasSize(1);
            assertThat(blocks.get(0).coversAll(10, 10)).isTrue();
        }
    }

    @Test
    void segmentStartsRestartAtEachExample() {
        int[] starts = QueryBlocks.segmentStarts(new int[] {0, 0, 1, 1, 1, -1, 0, 1, 1, 1}, 2, 5);
        assertThat(starts).containsExactly(0, 0, 2, 2, 2, 0, 1, 2, 2, 2);
    }

    private static void fill(int[] a, int row, int from, int to, int value) {
        Arrays.fill(a, row + from, row + to, value);
    }
}
