package ai.solo.examples.cli;

import ai.solo.examples.quickstart.Quickstart;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code solo quickstart}: train a small SOLO from scratch on built-in data, then evaluate it. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run SOLO's staged recipe on built-in synthetic data (no downloads) and evaluate on held-out images.")
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "solo-quickstart", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--minutes", defaultValue = "10", description = "Budget in minutes, evaluation included (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--scale", defaultValue = "SMALL", description = "TINY (a smoke run: a smaller model) or SMALL (default).")
    Quickstart.Scale scale;

    @Option(names = "--skip-stage1", description = "The paper's ablation: train the recipe without Stage 1 into OUT/without-stage1 "
            + "and print its table beside the full recipe's (reused from OUT when a finished run with the same options is there).")
    boolean skipStage1;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data, weights and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-per-category", defaultValue = "100", description = "Held-out questions per category.")
    int evalPerCategory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter writer = spec.commandLine().getOut();
        PrintStream progress = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                writer.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writer.write(new String(b, off, len, StandardCharsets.UTF_8));
                writer.flush();
            }
        }, true, StandardCharsets.UTF_8);
        Quickstart.run(new Quickstart.Options(out, minutes, scale, skipStage1, seed, evalPerCategory), progress);
        return 0;
    }
}
