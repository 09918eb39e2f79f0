package ai.solo.examples.bench;

import ai.solo.impl.engine.EngineProbe;
import java.nio.file.Path;
import java.util.Map;

/**
 * One measurement in a fresh JVM, so its peak memory is its own: the Java counterpart of
 * {@code bench/peer.py}. Prints {@code RESULT {json}} and exits.
 *
 * <p>{@code BenchChild MEASURE WORKDIR THREADS [CONFIG] [TOKENS] [STEPS] [SECONDS] [TOKENIZER]};
 * the suite builds the command line (see {@link BenchSuite}).
 */
public final class BenchChild {
    private BenchChild() {
    }

    /**
     * @param args measure, work folder, threads, config, tokens, steps, seconds, tokenizer folder
     *     ("-" for an argument that does not apply)
     */
    public static void main(String[] args) {
        if (args.length != 8) {
            throw new IllegalArgumentException("usage: BenchChild MEASURE WORKDIR THREADS CONFIG TOKENS STEPS SECONDS"
                    + " TOKENIZER (\"-\" where unused), got " + args.length + " arguments");
        }
        String measure = args[0];
        Workdir work = Workdir.at(Path.of(args[1]));
        int threads = Integer.parseInt(args[2]);
        String config = args[3].equals("-") ? null : args[3];
        Integer tokens = args[4].equals("-") ? null : Integer.valueOf(args[4]);
        int steps = args[5].equals("-") ? 0 : Integer.parseInt(args[5]);
        double seconds = args[6].equals("-") ? 0 : Double.parseDouble(args[6]);
        Map<String, Object> metrics = switch (measure) {
            case "matmul" -> JavaMeasures.matmul();
            case "train" -> JavaMeasures.train(config, tokens, steps, Path.of(args[7]));
            case "generate" -> JavaMeasures.generate(work, config);
            case "batch" -> JavaMeasures.batch(work, config);
            case "preprocess" -> JavaMeasures.preprocess(work, seconds);
            case "load" -> JavaMeasures.load(work, config);
            default -> throw new IllegalArgumentException("unknown measure '" + measure + "'");
        };
        // preprocessing is single-threaded on both sides: the engine's threads do not take part
        int reported = measure.equals("preprocess") ? 1 : threads;
        BenchResult r = new BenchResult("java", measure, config, tokens, reported, metrics,
                ProcessMemory.peakRssMib(), ProcessMemory.peakHeapMib(), EngineProbe.runtime());
        System.out.println(BenchResult.PREFIX + r.toJson());
        System.exit(0); // engine threads must not keep the child alive
    }
}
