package ai.solo.tests.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole hostile corpus in one JVM with a 64 MiB heap: decompression bombs are refused from
 * their headers, so nothing near what they claim is ever allocated, and every file ends as it
 * does in a normal heap. (An image within the pixel limit is decoded whole: the heap a request
 * needs grows with the limit, about 4 bytes per pixel, see docs/RELIABILITY.md.)
 */
class HostileImagesBoundedHeapTest {
    private static final Pattern RESULT = Pattern.compile("(\\S+) (REFUSED|DECODED|UNEXPECTED .*)");

    @TempDir
    Path dir;

    @Test
    void theCorpusRunsInA64MiBHeapWithTheSameOutcomes() throws IOException, InterruptedException {
        Path log = dir.resolve("child.txt");
        Process child = new ProcessBuilder(HostileImagesChild.command("64m")).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = child.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(ended).as("the child ended within 120 s:\n" + output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        Map<String, String> outcomes = new LinkedHashMap<>();
        // only result lines: the JVM may print others (JAVA_TOOL_OPTIONS, warnings)
        output.lines().map(RESULT::matcher).filter(Matcher::matches)
                .forEach(m -> outcomes.put(m.group(1), m.group(2)));
        Map<String, String> expected = new LinkedHashMap<>();
        HostileImages.corpus().forEach((name, entry) -> expected.put(name, entry.expect().name()));
        assertThat(outcomes).as(output).isEqualTo(expected);
    }
}
