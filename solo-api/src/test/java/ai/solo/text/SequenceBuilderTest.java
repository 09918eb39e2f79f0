package ai.solo.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SequenceBuilderTest {
    /** The vision token ids of {@code shared/fixtures/solo-tiny/expected.json}. */
    private static final VisionTokens TINY = new VisionTokens(1000, 1001, 1002, 1003, 1004);

    /**
     * {@code input_ids} of {@code shared/fixtures/solo-tiny/expected.json}: three text ids, the
     * 3x4 image of {@code image.png} closed with {@code </vision>}, three text ids.
     */
    private static final int[] FIXTURE_INPUT_IDS = {1, 733, 824, 868, 1000, 1001, 1001, 1001, 1001, 1002, 1001,
        1001, 1001, 1001, 1002, 1001, 1001, 1001, 1001, 1004, 17, 923, 55};

    /** {@code vision_patch_indices} of the same file. */
    private static final int[] FIXTURE_PATCH_INDICES = {-1, -1, -1, -1, -1, 0, 1, 2, 3, -1, 4, 5, 6, 7, -1, 8, 9,
        10, 11, -1, -1, -1, -1};

    @Test
    void lays3x4ImageOutAsTheFixture() {
        TokenSequence seq = SequenceBuilder.create(TINY, ImageClose.VISION_END)
                .tokens(new int[] {1, 733, 824, 868}, false)
                .image(patches(3, 4, 32, 0f))
                .tokens(new int[] {17, 923, 55}, false)
                .build();

        assertThat(seq.inputIds()).containsExactly(FIXTURE_INPUT_IDS);
        assertThat(seq.patchIndices()).containsExactly(FIXTURE_PATCH_INDICES);
        assertThat(Arrays.copyOfRange(seq.inputIds(), 4, 20)).containsExactly(
                1000, 1001, 1001, 1001, 1001, 1002, 1001, 1001, 1001, 1001, 1002, 1001, 1001, 1001, 1001, 1004);
        assertThat(seq.patchCount()).isEqualTo(12);
        assertThat(seq.patchDim()).isEqualTo(3 * 32 * 32);
        assertThat(seq.grids()).containsExactly(new PatchGrid(3, 4, 32));
    }

    @Test
    void imageTokenIdsMatchWhatTheBuilderAppends() {
        PatchGrid grid = new PatchGrid(3, 4, 32);

        int[] ids = SequenceBuilder.imageTokenIds(grid, TINY, ImageClose.VISION_END);

        assertThat(ids).containsExactly(Arrays.copyOfRange(FIXTURE_INPUT_IDS, 4, 20));
        assertThat(SequenceBuilder.imageLength(grid)).isEqualTo(16);
    }

    @Test
    void visionCloseEndsTheImageWithVisionAgain() {
        TokenSequence seq = SequenceBuilder.create(TINY, ImageClose.VISION).image(patches(2, 2, 2, 0f)).build();

        assertThat(seq.inputIds()).containsExactly(1000, 1001, 1001, 1002, 1001, 1001, 1000);
        assertThat(seq.patchIndices()).containsExactly(-1, 0, 1, -1, 2, 3, -1);
    }

    @Test
    void singleRowImageHasNoRowSeparator() {
        int[] ids = SequenceBuilder.imageTokenIds(new PatchGrid(1, 3, 2), TINY, ImageClose.VISION_END);

        assertThat(ids).containsExactly(1000, 1001, 1001, 1001, 1004);
    }

    @Test
    void lossMaskCoversOnlyTextMarkedTarget() {
        TokenSequence seq = SequenceBuilder.create(new CharTokenizer(), ImageClose.VISION)
                .image(patches(1, 2, 2, 0f))
                .bos()
                .text("ab", false)
                .text("cd", true)
                .eos(true)
                .build();

        assertThat(seq.inputIds()).containsExactly(1000, 1001, 1001, 1000, 1, 'a', 'b', 'c', 'd', 2);
        assertThat(seq.lossMask()).containsExactly(false, false, false, false, false, false, false, true, true, true);
    }

    @Test
    void labelsAreIgnoreIndexOutsideTargets() {
        TokenSequence seq = SequenceBuilder.create(new CharTokenizer(), ImageClose.VISION)
                .bos()
                .image(patches(1, 1, 2, 0f))
                .text("q", false)
                .text("a", true)
                .eos(false)
                .build();

        assertThat(seq.labels()).containsExactly(-100, -100, -100, -100, -100, 'a', -100);
        assertThat(TokenSequence.IGNORE_INDEX).isEqualTo(-100);
    }

    @Test
    void textIsEncodedWithoutBos() {
        TokenSequence seq = SequenceBuilder.create(new CharTokenizer(), ImageClose.VISION).text("hi", true).build();

        assertThat(seq.inputIds()).containsExactly('h', 'i');
        assertThat(seq.patchCount()).isZero();
        assertThat(seq.patchDim()).isZero();
        assertThat(seq.grids()).isEmpty();
    }

    @Test
    void twoImagesGetConsecutivePatchIndicesAndConcatenatedPatches() {
        TokenSequence seq = SequenceBuilder.create(TINY, ImageClose.VISION_END)
                .image(patches(1, 2, 2, 1f))
                .token(5, false)
                .image(patches(2, 1, 2, 2f))
                .build();

        assertThat(seq.inputIds()).containsExactly(1000, 1001, 1001, 1004, 5, 1000, 1001, 1002, 1001, 1004);
        assertThat(seq.patchIndices()).containsExactly(-1, 0, 1, -1, -1, -1, 2, -1, 3, -1);
        assertThat(seq.patchCount()).isEqualTo(4);
        assertThat(seq.patches()).hasSize(4 * 12);
        assertThat(seq.patches()[0]).isEqualTo(1f);
        assertThat(seq.patches()[2 * 12]).isEqualTo(2f);
        assertThat(seq.grids()).containsExactly(new PatchGrid(1, 2, 2), new PatchGrid(2, 1, 2));
    }

    @Test
    void rejectsImagesWithDifferentPatchSizes() {
        SequenceBuilder builder = SequenceBuilder.create(TINY, ImageClose.VISION).image(patches(1, 1, 2, 0f));

        assertThatThrownBy(() -> builder.image(patches(1, 1, 4, 0f)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("48")
                .hasMessageContaining("12");
    }

    @Test
    void rejectsAnEmptySequence() {
        assertThatThrownBy(() -> SequenceBuilder.create(TINY, ImageClose.VISION).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void builderWithoutTokenizerRejectsTextBosAndEos() {
        SequenceBuilder builder = SequenceBuilder.create(TINY, ImageClose.VISION);

        assertThatThrownBy(() -> builder.text("hi", false)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(builder::bos).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.eos(true)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void rejectsNullArguments() {
        assertThatThrownBy(() -> SequenceBuilder.create((SoloTokenizer) null, ImageClose.VISION))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> SequenceBuilder.create(TINY, null)).isInstanceOf(InvalidInputException.class);
        SequenceBuilder builder = SequenceBuilder.create(new CharTokenizer(), ImageClose.VISION);
        assertThatThrownBy(() -> builder.text(null, false)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> builder.image(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void growsPastItsInitialCapacity() {
        TokenSequence seq = SequenceBuilder.create(TINY, ImageClose.VISION_END).image(patches(10, 10, 2, 0f)).build();

        assertThat(seq.length()).isEqualTo(2 + 100 + 9);
        assertThat(seq.patchIndices()[seq.length() - 2]).isEqualTo(99);
        assertThat(seq.lossMask()).doesNotContain(true);
    }

    @Test
    void closingTokenIdComesFromTheVisionTokens() {
        assertThat(ImageClose.VISION.id(TINY)).isEqualTo(1000);
        assertThat(ImageClose.VISION_END.id(TINY)).isEqualTo(1004);
        assertThat(TINY.isVisionToken(1003)).isTrue();
        assertThat(TINY.isVisionToken(999)).isFalse();
    }

    private static ImagePatches patches(int rows, int cols, int patchSize, float value) {
        PatchGrid grid = new PatchGrid(rows, cols, patchSize);
        float[] values = new float[grid.count() * grid.patchDim()];
        Arrays.fill(values, value);
        return new ImagePatches(grid, cols * patchSize, rows * patchSize, values);
    }

    /** One id per character (its code), {@code <s>} = 1, {@code </s>} = 2, vision tokens 1000..1004. */
    private static final class CharTokenizer implements SoloTokenizer {
        @Override
        public int[] encode(String text) {
            return text.chars().toArray();
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            StringBuilder out = new StringBuilder();
            for (int id : ids) {
                out.appendCodePoint(id);
            }
            return out.toString();
        }

        @Override
        public OptionalInt tokenId(String token) {
            return OptionalInt.empty();
        }

        @Override
        public VisionTokens visionTokens() {
            return TINY;
        }

        @Override
        public int[] appendedTokenIds() {
            return new int[] {1000, 1001, 1002, 1003, 1004};
        }

        @Override
        public int bosTokenId() {
            return 1;
        }

        @Override
        public int eosTokenId() {
            return 2;
        }

        @Override
        public int vocabSize() {
            return 1031;
        }

        @Override
        public void saveTo(java.nio.file.Path dir) {
            throw new UnsupportedOperationException("a test fake has no files");
        }

        @Override
        public void close() {
        }
    }
}
