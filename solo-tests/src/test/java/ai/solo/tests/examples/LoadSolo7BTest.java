package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.solo.examples.gpu.LoadSolo7B;
import ai.solo.generate.GenerationResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU example, run with {@code --device cpu} on a tiny checkpoint: the same float16 path, no GPU needed. */
class LoadSolo7BTest {
    @TempDir
    Path dir;

    @Test
    void answersInFloat16OnTheCpu() {
        Path model = ExampleFixtures.tinyCheckpoint(dir.resolve("model"));
        Path image = ExampleFixtures.png(dir.resolve("cat.png"), 70, 40, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        GenerationResult answer = LoadSolo7B.run(LoadSolo7B.parse(new String[] {model.toString(), image.toString(),
            "What is this?", "--device", "cpu", "--max-new-tokens", "4"}), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(answer.generatedTokens()).isBetween(1, 4);
        assertThat(answer.promptTokens()).isGreaterThan(3 * 2);   // a 3 x 2-patch image, then the question
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("GB in float16").contains("0.1 KiB of cache per token")
                .contains("first token after").contains("on cpu").contains(answer.text());
    }

    @Test
    void deviceDefaultsToTheGpuAndTheQuestionToADefault() {
        LoadSolo7B.Options o = LoadSolo7B.parse(new String[] {"SOLO-7B", "cat.jpg"});

        assertThat(o.device()).isEqualTo("gpu");
        assertThat(o.question()).isEqualTo(LoadSolo7B.DEFAULT_QUESTION);
        assertThat(o.maxNewTokens()).isEqualTo(256);
        assertThat(LoadSolo7B.parse(new String[] {"--device", "gpu:1", "SOLO-7B", "cat.jpg", "Why?"}))
                .isEqualTo(new LoadSolo7B.Options(Path.of("SOLO-7B"), Path.of("cat.jpg"), "Why?", "gpu:1", 256));
        assertThatThrownBy(() -> LoadSolo7B.parse(new String[] {"SOLO-7B"})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadSolo7B.parse(new String[] {"SOLO-7B", "cat.jpg", "--device"}))
                .hasMessageContaining("--device");
    }
}
