package ai.solo.tests;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM like the running one (same {@code java}, same class path) that runs
 * another main class: for tests that kill, starve or limit a process, and benchmarks that need
 * a fresh one per measurement.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param jvmOptions options before the class path, e.g. {@code -Xmx64m}
     * @param main the class whose {@code main} runs
     * @param args its arguments
     * @return the command, for a {@link ProcessBuilder}
     */
    public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
