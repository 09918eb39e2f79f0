package ai.solo.examples.gpu;

import ai.solo.ModelOptions;
import ai.solo.Precision;
import ai.solo.SoloConfig;
import ai.solo.SoloException;
import ai.solo.SoloModel;
import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads SOLO-7B from its Hugging Face folder onto a GPU in float16 and answers a question about
 * an image, streaming the answer.
 *
 * <pre>
 * huggingface-cli download YangyiYY/SOLO-7B --local-dir SOLO-7B    # config.json, safetensors, tokenizer
 * mvn -B -q clean install -DskipTests -Dpytorch.native.artifact=pytorch-native-cu128
 * bin/solo-example gpu.LoadSolo7B SOLO-7B cat.jpg "What is in the picture?"
 * bin/solo-example gpu.LoadSolo7B SOLO-7B cat.jpg "What is in the picture?" --device gpu:1
 * </pre>
 *
 * <p><b>Memory.</b> SOLO-7B has 7.26 billion parameters: 14.5 GB of weights in float16 (its
 * bfloat16 files are converted on load; the engine does not compute in bfloat16). The key/value
 * cache adds 128 KiB per token (2 x 32 layers x 8 key/value heads x 128 dimensions x 2 bytes): a
 * 1024 x 1024 image is 1,057 tokens, 132 MiB, and a full 4,096-token window 512 MiB per sequence.
 * With activations and CUDA's own overhead this fits a 24 GB GPU, not a 16 GB one. In float32 the
 * weights alone take 29 GB.
 *
 * <p><b>The native library.</b> The SDK depends on DJL's CPU build of libtorch,
 * {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64}. For a GPU, swap it for the CUDA
 * build DJL publishes for PyTorch 2.7.1, {@code ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64}
 * (CUDA 12.8; the matching {@code pytorch-jni} stays {@code 2.7.1-0.36.0}). In this repository the
 * build above does it; build with {@code clean} so the CPU jar does not linger in
 * {@code solo-examples/target/lib}. In your own project, exclude {@code pytorch-native-cpu} from
 * {@code solo-impl} and add the CUDA artifact at runtime scope. With {@code -Dai.djl.offline=true}
 * (which {@code bin/solo-example} sets) DJL never downloads an engine, so the CUDA jar must be on
 * the class path: with only the CPU build there, loading on {@code gpu} fails with an
 * {@code EngineException} saying the engine sees 0 GPUs.
 *
 * <p>Arguments: the model folder, the image, optionally the question, then {@code --device}
 * ({@code gpu} by default, {@code gpu:N} for another GPU) and {@code --max-new-tokens} (256).
 * {@code --device cpu} runs the same float16 path on the CPU: slow, but it is how this example is
 * tested without a GPU.
 */
public final class LoadSolo7B {
    /** Asked when no question is given. */
    public static final String DEFAULT_QUESTION = "What is in the picture?";

    private LoadSolo7B() {
    }

    /**
     * The command line.
     *
     * @param modelDir the SOLO-7B folder
     * @param image the image to ask about
     * @param question the question
     * @param device {@code gpu}, {@code gpu:N} or {@code cpu}
     * @param maxNewTokens most tokens to generate
     */
    public record Options(Path modelDir, Path image, String question, String device, int maxNewTokens) {
    }

    /**
     * @param args {@code MODEL_DIR IMAGE [QUESTION] [--device DEVICE] [--max-new-tokens N]}
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: LoadSolo7B MODEL_DIR IMAGE [QUESTION] [--device gpu|gpu:N|cpu] [--max-new-tokens N]");
            System.exit(2);
            return;
        }
        try {
            run(options, System.out);
        } catch (SoloException e) {
            // e.g. no CUDA build of libtorch on the class path: the message says so
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * @param args {@code MODEL_DIR IMAGE [QUESTION] [--device DEVICE] [--max-new-tokens N]}: by default
     *     the GPU and 256 tokens
     * @return the options
     * @throws IllegalArgumentException if the arguments do not fit
     */
    public static Options parse(String[] args) {
        List<String> positional = new ArrayList<>();
        String device = "gpu";
        int maxNewTokens = 256;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = value(args, ++i);
                case "--max-new-tokens" -> maxNewTokens = Integer.parseInt(value(args, ++i));
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() < 2 || positional.size() > 3) {
            throw new IllegalArgumentException("expected a model folder, an image and optionally a question");
        }
        String question = positional.size() == 3 ? positional.get(2) : DEFAULT_QUESTION;
        return new Options(Path.of(positional.get(0)), Path.of(positional.get(1)), question, device, maxNewTokens);
    }

    private static String value(String[] args, int i) {
        if (i == args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /**
     * Loads the model in float16 on the chosen device and answers the question.
     *
     * @param options what to load and ask
     * @param out where the memory estimate, the answer and its timings go
     * @return the answer
     */
    public static GenerationResult run(Options options, PrintStream out) {
        // config.json alone tells what the weights and the cache will cost, before any is loaded
        SoloConfig config = SoloConfig.read(options.modelDir().resolve("config.json"));
        long cachePerToken = 2L * config.numHiddenLayers() * config.numKeyValueHeads() * config.headDim() * 2;
        out.printf(Locale.ROOT, "%,d parameters: %.1f GB in float16, plus %.1f KiB of cache per token%n",
                config.parameterCount(), config.parameterCount() * 2 / 1e9, cachePerToken / 1024.0);

        try (SoloModel model = SoloModel.load(options.modelDir(), new ModelOptions(options.device(), Precision.FLOAT16))) {
            Generator generator = Generator.create(model);
            Prompt prompt = Prompt.builder().image(options.image()).text(options.question()).build();
            GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(options.maxNewTokens()).build();
            GenerationResult answer = generator.generate(Conversation.of(prompt), greedy, token -> {
                out.print(token.text());
                out.flush(); // each piece as it comes
                return true;
            });
            out.println();
            GenerationResult.Timings t = answer.timings();
            out.printf(Locale.ROOT, "%d prompt tokens, first token after %.0f ms, then %.1f tokens/s on %s%n",
                    answer.promptTokens(), t.timeToFirstTokenNanos() / 1e6,
                    t.decodeTokensPerSecond(answer.generatedTokens()), options.device());
            return answer;
        }
    }
}
