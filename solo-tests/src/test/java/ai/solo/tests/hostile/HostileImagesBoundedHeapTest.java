package ai.solo.tests.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole hostile corpus in one JVM with a 64 MiB heap: decompression bombs are refused from
 * their headers, so nothing near what they claim is ever allocated, and every file ends as it
 * does in a normal heap.
 */
class HostileImagesBoundedHeapTest {
    @Test
    void theCorpusRunsInA64MiBHeapWithTheSameOutcomes() throws IOException, InterruptedException {
        Process child = new ProcessBuilder(HostileImagesChild.command("64m")).redirectErrorStream(true).start();
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ended).as("the child ended within 120 s:\n" + output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        Map<String, String> outcomes = new LinkedHashMap<>();
        output.lines().filter(l -> !l.startsWith("[")).map(l -> l.split(" ", 2))
                .forEach(parts -> outcomes.put(parts[0], parts.length > 1 ? parts[1] : ""));
        Map<String, String> expected = new LinkedHashMap<>();
        HostileImages.corpus().forEach((name, entry) -> expected.put(name, entry.expect().name()));
        assertThat(outcomes).as(output).isEqualTo(expected);
    }
}
