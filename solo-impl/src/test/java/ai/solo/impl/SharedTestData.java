package ai.solo.impl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Locates the project's {@code shared} folder (golden fixtures and the Mistral tokenizer) for
 * tests in this module: the {@code solo.shared.dir} system property set by surefire, else a
 * {@code shared} folder holding {@code fixtures} beside or inside the working folder or one of
 * its parents.
 */
public final class SharedTestData {

    private SharedTestData() {
    }

    /** @return the shared folder, if it can be found */
    public static Optional<Path> sharedDir() {
        String prop = System.getProperty("solo.shared.dir");
        if (prop != null && Files.isDirectory(Path.of(prop, "fixtures"))) {
            return Optional.of(Path.of(prop).toAbsolutePath().normalize());
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : new Path[] {p.resolve("shared"), p.resolveSibling("shared")}) {
                if (Files.isDirectory(candidate.resolve("fixtures"))) {
                    return Optional.of(candidate.normalize());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @return {@code shared/data/mistral-tokenizer}, SOLO-7B's text vocabulary
     * @throws IllegalStateException if the shared folder cannot be found
     */
    public static Path mistralTokenizer() {
        Path dir = sharedDir().orElseThrow(() -> new IllegalStateException(
                "cannot find the shared/ folder with fixtures: set -Dsolo.shared.dir"))
                .resolve("data").resolve("mistral-tokenizer");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalStateException(dir + " holds no tokenizer.json");
        }
        return dir;
    }
}
