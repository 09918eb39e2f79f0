package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that cannot be written for lack of space: the run stops with an error naming the
 * checkpoint, and the previous checkpoint stays complete and loadable. The child JVM runs with
 * a file-size limit ({@code ulimit -f}, SIGXFSZ ignored), so its writes past the limit fail as
 * they would on a full disk, with no privileges or special file system needed.
 */
class FullDiskCheckpointTest {
    private static final int STEPS = 8;
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aCheckpointThatCannotBeWrittenFailsClearlyAndLeavesThePreviousOneIntact() throws Exception {
        Path out = dir.resolve("run");
        // a run stopped after its second checkpoint, mid-stage
        Process first = start(out, STEPS, null);
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(first.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null && !line.equals("CHECKPOINT 2"); line = lines.readLine()) {
                // wait for it
            }
        }
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
        List<Path> before = CheckpointCrashChild.completeCheckpoints(out);
        assertThat(before).isNotEmpty();

        // resumed with 4 MiB per file: the tiny model's weights (about 18 MB) no longer fit
        Run full = run(out, STEPS, 4096L);

        assertThat(full.exit()).as(full.output()).isNotZero();
        // names the checkpoint being written (its temporary folder) and the file system's reason
        assertThat(full.output()).contains("SoloException: cannot write").contains("checkpoint-00-captions-0000003")
                .contains("File too large");
        assertThat(CheckpointCrashChild.completeCheckpoints(out)).as("the checkpoints before the failure").containsAll(before);
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left.filter(p -> p.getFileName().toString().endsWith(".tmp"))).as("partial folders").isEmpty();
        }
        for (Path checkpoint : before) {
            try (SoloModel model = SoloModel.load(checkpoint)) {
                assertThat(model.parameterCount()).isPositive();
            }
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path out, int steps, Long maxFileKiB) throws IOException, InterruptedException {
        Process p = start(out, steps, maxFileKiB);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    private static Process start(Path out, int steps, Long maxFileKiB) throws IOException {
        String command = CheckpointCrashChild.command(out, steps).stream().map(FullDiskCheckpointTest::quote)
                .collect(java.util.stream.Collectors.joining(" "));
        String script = maxFileKiB == null ? "exec " + command
                : "trap '' XFSZ; ulimit -f " + maxFileKiB + "; exec " + command;
        return new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
