package ai.solo.examples.cli;

import ai.solo.SoloConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code solo info}: what a checkpoint is and what it needs, without loading its weights. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's config, parameter count and memory estimate.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Checkpoint folder.")
    Path model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        print(SoloConfig.read(model.resolve("config.json")), spec.commandLine().getOut());
        return 0;
    }

    /**
     * @param config the config to describe
     * @param out where to print
     */
    static void print(SoloConfig config, PrintWriter out) {
        long params = config.parameterCount();
        out.println(config);
        out.printf("parameters: %,d%n", params);
        out.printf("weights in memory: %s as float32, %s as float16%n", bytes(params * 4), bytes(params * 2));
        long kvPerToken = 2L * config.numHiddenLayers() * config.numKeyValueHeads() * config.headDim();
        out.printf("key/value cache: %s per token in float32 (%s for %,d tokens)%n",
                bytes(kvPerToken * 4), bytes(kvPerToken * 4 * config.maxPositionEmbeddings()), config.maxPositionEmbeddings());
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format("%.2f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format("%.1f MiB", n / (double) (1L << 20));
        }
        return String.format("%.1f KiB", n / 1024.0);
    }
}
