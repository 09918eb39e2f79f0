package ai.solo.examples.cli;

import ai.solo.SoloException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code solo} command-line tool. Errors print one line and exit non-zero; {@code --verbose}
 * adds the stack trace.
 *
 * <pre>
 * solo patchify --image cat.jpg --out patches.safetensors --png grid.png
 * solo logits --model DIR --input in.safetensors --out out.safetensors
 * solo info --model DIR
 * solo generate --model DIR --image cat.jpg --prompt "What is this?" [--output json]
 * solo chat --model DIR
 * solo train --recipe recipe.json --model DIR --out runs/x [--resume] [--checkpoint-every N]
 * solo train --data sft.json --format llava --image-root images --model DIR --out runs/sft
 * solo evaluate --model DIR --data bench.jsonl [--out report.json]
 * solo scaling --metrics runs/x/metrics.jsonl [--metric eval|train] [--png fit.png]
 * solo bench [--python /usr/bin/python3] [--configs small,medium] [--out bench-results]
 * </pre>
 */
@Command(name = "solo", mixinStandardHelpOptions = true, version = "solo 0.1.0",
        description = "Run and train SOLO, the single-transformer vision-language model, from the command line.",
        subcommands = {GenerateCommand.class, ChatCommand.class, TrainCommand.class, PatchifyCommand.class,
            LogitsCommand.class, InfoCommand.class, DemoCommand.class, QuickstartCommand.class, EvaluateCommand.class,
            ScalingCommand.class, BenchCommand.class})
public final class SoloCli implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard input, read by {@code solo chat}. */
    private final BufferedReader in;

    private SoloCli(BufferedReader in) {
        this.in = in;
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the CLI without exiting the JVM, for tests and embedding; {@code solo chat} reads
     * {@code System.in}.
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code: 0 success, 1 failure, 2 usage error
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, new BufferedReader(new InputStreamReader(System.in)), out, err);
    }

    /**
     * Runs the CLI without exiting the JVM, with the given standard input.
     *
     * @param args command-line arguments
     * @param in standard input (the lines of {@code solo chat})
     * @param out standard output
     * @param err standard error
     * @return the exit code: 0 success, 1 failure, 2 usage error
     */
    public static int run(String[] args, BufferedReader in, PrintWriter out, PrintWriter err) {
        if (System.getProperty("ai.djl.offline") == null) {
            // the CPU engine ships inside the jar: never try to download one at run time
            System.setProperty("ai.djl.offline", "true");
        }
        configureLogging(java.util.Arrays.asList(args).contains("--verbose"));
        CommandLine cli = new CommandLine(new SoloCli(in));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = false;
            for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
                verbose |= pr.hasMatchedOption("--verbose");
            }
            printError(e, commandLine.getErr(), verbose);
            return 1;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            // an Error escapes picocli's handler; a huge input must still end in one clear line
            err.println("solo: error: out of memory (" + e.getMessage() + "); give the JVM more with "
                    + "SOLO_JAVA_OPTS=-Xmx<size> or use a smaller input");
            code = 1;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Prints an error as one line, {@code solo: error: ...}, plus its stack trace if asked.
     *
     * @param e the error
     * @param err where to print
     * @param verbose whether to add the stack trace
     */
    static void printError(Exception e, PrintWriter err, boolean verbose) {
        String message = e instanceof SoloException || e instanceof UncheckedIOException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        err.println("solo: error: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    /** @return standard input */
    BufferedReader in() {
        return in;
    }

    /** @return whether {@code --verbose} was given */
    boolean verbose() {
        return verbose;
    }

    /**
     * Quiet by default: the CLI prints its own results, library INFO lines and DJL's GPU probe
     * warnings are noise unless asked for. Must run before the first logger is created.
     */
    private static void configureLogging(boolean verbose) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", verbose ? "info" : "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
