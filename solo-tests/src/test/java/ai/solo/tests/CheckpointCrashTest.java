package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.SoloModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a training process with SIGKILL at random moments while it checkpoints after every step,
 * half of them within 40 ms of a step's end, when its checkpoint is being written:
 * after each kill the newest complete checkpoint loads, the next process resumes right after
 * it, and the run finally completes.
 */
class CheckpointCrashTest {
    private static final int STEPS = 40;
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void theLastCompleteCheckpointSurvivesKillNineAndTheRunResumesFromIt() throws Exception {
        Path out = dir.resolve("run");
        SplittableRandom random = new SplittableRandom(7);
        List<String> log = new ArrayList<>();
        long newest = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = launch(out);
            try (BufferedReader lines = reader(child)) {
                long firstStep = -1;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("STEP ") && firstStep < 0) {
                        firstStep = Long.parseLong(line.substring(5));
                        assertThat(firstStep).as("process %d resumes after the newest checkpoint", kill)
                                .isEqualTo(newest + 1);
                    }
                    if (line.startsWith("CHECKPOINT ") && Long.parseLong(line.substring(11)) >= newest + 1) {
                        break; // a new checkpoint is complete
                    }
                }
                // the next step's line comes just before its checkpoint is written: kill around then
                for (String line = lines.readLine(); line != null && !line.startsWith("STEP "); line = lines.readLine()) {
                    // other output
                }
                long delay = random.nextLong(0, kill % 2 == 0 ? 40 : 400);
                Thread.sleep(delay);
                child.destroyForcibly(); // SIGKILL on Linux
                child.waitFor(30, TimeUnit.SECONDS);
                long partial;
                try (Stream<Path> left = Files.list(out)) {
                    partial = left.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
                }
                log.add("kill " + kill + " after " + delay + " ms" + (partial > 0 ? ", mid-write" : ""));
            }
            long before = newest;
            Path newestDir = newestComplete(out);
            newest = step(newestDir);
            assertThat(newest).as("kill %d", kill).isGreaterThan(before);
            try (SoloModel model = SoloModel.load(newestDir)) {
                assertThat(model.parameterCount()).isPositive();
            }
            if (newest >= STEPS - 2) {
                break;
            }
        }

        Process last = launch(out);
        try (BufferedReader lines = reader(last)) {
            String end = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                end = line;
            }
            assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).as(String.join(", ", log)).isZero();
            assertThat(end).isEqualTo("DONE");
        }
        System.out.println("CheckpointCrashTest: " + String.join("; ", log));
        try (SoloModel trained = SoloModel.load(out.resolve("captions"))) {
            assertThat(trained.tokenizer()).isPresent();
        }
    }

    private Process launch(Path out) throws IOException {
        return new ProcessBuilder(CheckpointCrashChild.command(out, STEPS)).redirectErrorStream(true).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** @return the newest complete checkpoint */
    private static Path newestComplete(Path out) throws IOException {
        Path newest = null;
        for (Path d : CheckpointCrashChild.completeCheckpoints(out)) {
            if (newest == null || step(d) > step(newest)) {
                newest = d;
            }
        }
        assertThat(newest).as("a complete checkpoint in " + out).isNotNull();
        return newest;
    }

    private static long step(Path checkpoint) throws IOException {
        return new ObjectMapper().readTree(checkpoint.resolve("trainer_state").resolve("state.json").toFile())
                .get("step").asLong();
    }
}
