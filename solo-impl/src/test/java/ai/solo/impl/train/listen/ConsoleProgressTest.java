package ai.solo.impl.train.listen;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.train.TrainingListener.Evaluation;
import ai.solo.train.TrainingListener.StageStart;
import ai.solo.train.TrainingListener.StepMetrics;
import ai.solo.train.TrainingSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private static final long STEP_NANOS = 1_660_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long now;
    private final ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            () -> now);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Lines as a log file shows them: each newline-terminated line, as last redrawn. */
    private List<String> logLines() {
        return Arrays.stream(printed().split("\n")).map(l -> l.substring(l.lastIndexOf('\r') + 1).strip()).toList();
    }

    private void steps(String stage, int from, int to, int of) {
        for (int i = from; i <= to; i++) {
            now += STEP_NANOS;
            progress.onStep(new StepMetrics(stage, i, of, 2.345, 4.5e-5, 1.2, 2048, 300, STEP_NANOS, false));
        }
    }

    @Test
    void progressLineShowsStageStepsLossLearningRateThroughputAndEta() {
        progress.onStageStart(new StageStart("stage1", 0, 2, 100, 0));

        steps("stage1", 1, 50, 100);

        assertThat(printed()).contains("stage1 (stage 1/2): 100 steps")
                .contains("stage1 [##########----------]  50/100 loss 2.345 lr 4.5e-05 1,234 tok/s ETA 1m23s");
    }

    @Test
    void redrawsWithCarriageReturnAndEndsALineEveryTenthAndAtTheEnd() {
        progress.onStageStart(new StageStart("sft", 0, 1, 100, 0));

        steps("sft", 1, 100, 100);

        assertThat(printed()).contains("\rsft [").contains("  7/100");
        List<String> lines = logLines();
        assertThat(lines).hasSize(11);
        assertThat(lines.get(1)).contains(" 10/100").contains("ETA 2m29s");
        assertThat(lines.get(5)).contains(" 50/100");
        assertThat(lines.get(10)).contains("100/100").contains("took 2m46s").doesNotContain("ETA");
    }

    @Test
    void etaUsesTheMeanStepTimeOfTheStageSoFar() {
        progress.onStageStart(new StageStart("a", 0, 2, 4, 0));
        steps("a", 1, 4, 4);
        progress.onStageStart(new StageStart("b", 1, 2, 10, 0));

        now += 1_000_000_000L;
        progress.onStep(new StepMetrics("b", 1, 10, 1.0, 1e-5, 1, 100, 10, 1_000_000_000L, false));

        assertThat(logLines()).last().asString().contains("1/10").contains("ETA 9s").contains("100 tok/s");
    }

    @Test
    void resumedStageSaysWhereItStartsAndCountsOnlyItsOwnSteps() {
        progress.onStageStart(new StageStart("sft", 0, 1, 100, 40));

        steps("sft", 41, 42, 100);

        assertThat(printed()).contains("sft (stage 1/1): resuming at step 40 of 100")
                .contains(" 42/100 loss 2.345").contains("ETA 1m36s");
    }

    @Test
    void evaluationsAndCheckpointsAreLinesOfTheirOwn() {
        progress.onStageStart(new StageStart("sft", 0, 1, 100, 0));
        steps("sft", 1, 5, 100);

        progress.onEvaluation(new Evaluation("sft", 5, 2.1, 5000));
        progress.onCheckpoint(Path.of("runs", "checkpoint-sft-5"), "sft", 5);
        steps("sft", 6, 6, 100);

        List<String> lines = logLines();
        assertThat(lines.get(1)).contains("  5/100");
        assertThat(lines.get(2)).isEqualTo("sft step 5: held-out loss 2.100 over 5,000 target tokens");
        assertThat(lines.get(3)).isEqualTo("sft step 5: checkpoint " + Path.of("runs", "checkpoint-sft-5"));
        assertThat(lines.get(4)).contains("  6/100");
    }

    @Test
    void skippedStepsAndNonFiniteLossesAreShown() {
        progress.onStageStart(new StageStart("sft", 0, 1, 10, 0));

        progress.onStep(new StepMetrics("sft", 1, 10, Double.NaN, 1e-5, Double.NaN, 100, 10, 1_000_000, true));

        assertThat(printed()).contains("loss nan").contains("(step skipped: non-finite loss)");
    }

    @Test
    void endPrintsASummaryLine() {
        progress.onStageStart(new StageStart("sft", 0, 1, 10, 0));
        steps("sft", 1, 10, 10);
        now += 60_000_000_000L;

        progress.onEnd(new TrainingSummary(10, 20_480, 1.5, Double.NaN, Path.of("runs", "sft")));

        assertThat(logLines()).last().asString()
                .isEqualTo("done: 10 steps, 20,480 tokens in 1m17s; final loss 1.500, held-out loss not evaluated; "
                        + "checkpoint " + Path.of("runs", "sft"));
    }

    @Test
    void formatsDurations() {
        assertThat(ConsoleProgress.duration(42_400_000_000L)).isEqualTo("42s");
        assertThat(ConsoleProgress.duration(83_000_000_000L)).isEqualTo("1m23s");
        assertThat(ConsoleProgress.duration(7_500_000_000_000L)).isEqualTo("2h05m");
    }
}
