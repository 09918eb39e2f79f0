package ai.solo.tests.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import ai.solo.examples.cli.SoloCli;
import ai.solo.examples.quickstart.EvalItem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart at CI scale: the whole staged recipe and the evaluation run end to end in
 * seconds and leave their report, pictures and a loadable checkpoint. (Quality targets need the
 * full ten-minute run.)
 */
class QuickstartSmokeTest {
    @TempDir
    Path out;

    @Test
    void tinyRunTrainsEveryStageAndReportsEveryCategory() {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();

        int code = SoloCli.run(new String[] {"quickstart", "--scale", "TINY", "--minutes", "1", "--out", out.toString(),
            "--eval-per-category", "2"}, new PrintWriter(stdout), new PrintWriter(stderr));

        assertThat(code).as(stderr.toString()).isZero();
        String report = stdout.toString();
        assertThat(report).contains("stage1").contains("stage2").contains("stage3").contains("sft")
                .contains("held-out accuracy");
        for (String category : EvalItem.CATEGORIES) {
            assertThat(report).containsPattern(java.util.regex.Pattern.quote(category) + "\\s+\\d+\\.\\d%\\s+\\(\\d/2\\)");
        }
        assertThat(out.resolve("answers.png")).exists();
        assertThat(out.resolve("loss.png")).exists();
        try (SoloModel model = SoloModel.load(out.resolve("sft"))) {
            assertThat(model.tokenizer()).isPresent();
        }
    }

    @Test
    void skipStage1LeavesTheFirstStageOut() {
        StringWriter stdout = new StringWriter();

        int code = SoloCli.run(new String[] {"quickstart", "--scale", "TINY", "--minutes", "1", "--skip-stage1",
            "--out", out.toString(), "--eval-per-category", "1"}, new PrintWriter(stdout), new PrintWriter(new StringWriter()));

        assertThat(code).isZero();
        assertThat(stdout.toString()).doesNotContain("stage1 (stage").contains("stage2 (stage 1/3)");
    }
}
