package ai.solo.tests.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The examples show how an application uses the SDK, so they import the public API alone. Only
 * {@code solo bench}, which measures the engine itself, may reach into the implementation.
 */
class ExamplesUsePublicApiTest {
    private static final Path EXAMPLES = Path.of("solo-examples/src/main/java/ai/solo/examples");

    @Test
    void onlyTheBenchmarkImportsTheImplementationOrDjl() throws IOException {
        Path root = ExampleFixtures.repoRoot().resolve(EXAMPLES);
        List<String> offenders = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path f : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                if (root.relativize(f).startsWith("bench")) {
                    continue;
                }
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import ai.solo.impl.") || line.startsWith("import ai.djl.")) {
                        offenders.add(root.relativize(f) + ": " + line);
                    }
                }
            }
        }
        assertThat(files).as("example sources found").isGreaterThan(20);
        assertThat(offenders).isEmpty();
    }
}
