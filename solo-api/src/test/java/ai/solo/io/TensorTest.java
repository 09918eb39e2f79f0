package ai.solo.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.InvalidInputException;
import ai.solo.TensorType;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void floatsAndLongsRoundTrip() {
        Tensor f = Tensor.ofFloats(new float[] {1.5f, -2f, 0f, 3f}, 2, 2);
        Tensor l = Tensor.ofInts(new int[] {7, -1, 32000}, 1, 3);

        assertThat(f.toFloats()).containsExactly(1.5f, -2f, 0f, 3f);
        assertThat(l.type()).isEqualTo(TensorType.I64);
        assertThat(l.toInts()).containsExactly(7, -1, 32000);
    }

    @Test
    void widensHalfAndBfloat16() {
        // 1.0 as F16 is 0x3C00, as BF16 0x3F80; -2.0 as F16 0xC000
        Tensor half = new Tensor(TensorType.F16, new long[] {2}, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0});
        Tensor bf = new Tensor(TensorType.BF16, new long[] {1}, new byte[] {(byte) 0x80, 0x3F});

        assertThat(half.toFloats()).containsExactly(1f, -2f);
        assertThat(bf.toFloats()).containsExactly(1f);
    }

    @Test
    void rejectsDataThatDoesNotMatchTheShape() {
        assertThatThrownBy(() -> new Tensor(TensorType.F32, new long[] {3}, new byte[8]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs 12 bytes");
        assertThatThrownBy(() -> Tensor.ofFloats(new float[1], 1).toInts()).hasMessageContaining("not an integer");
    }
}
