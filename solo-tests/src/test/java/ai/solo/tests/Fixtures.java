package ai.solo.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates {@code ../shared} (golden fixtures and the Mistral tokenizer) from the build: the
 * {@code solo.shared.dir} system property set by the parent pom, else the first {@code shared}
 * folder beside the working directory or one of its parents.
 */
public final class Fixtures {
    private static final Path SHARED = locate();

    private Fixtures() {
    }

    /** @return the shared folder */
    public static Path shared() {
        return SHARED;
    }

    /** @return {@code shared/fixtures/solo-tiny} */
    public static Path soloTiny() {
        return SHARED.resolve("fixtures").resolve("solo-tiny");
    }

    /** @return {@code shared/data/mistral-tokenizer} */
    public static Path mistralTokenizer() {
        return SHARED.resolve("data").resolve("mistral-tokenizer");
    }

    private static Path locate() {
        String property = System.getProperty("solo.shared.dir");
        if (property != null && Files.isDirectory(Paths.get(property, "fixtures"))) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : new Path[] {p.resolve("shared"), p.resolveSibling("shared")}) {
                if (Files.isDirectory(candidate.resolve("fixtures"))) {
                    return candidate.normalize();
                }
            }
        }
        throw new IllegalStateException("Cannot find the shared/ folder with fixtures: set -Dsolo.shared.dir");
    }
}
