package ai.solo.tests.bench;

import ai.solo.ModelBatch;
import ai.solo.SoloConfig;
import ai.solo.SoloModel;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.image.ImagePatches;
import ai.solo.image.PatchGrid;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.TokenSequence;
import ai.solo.text.VisionTokens;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generation speed and memory for the small config of the Generator issue (hidden 512, 8 layers,
 * 8 heads, 2 kv heads, MLP 1408, vocab 33031, random weights, float32, CPU):
 * time to first token for a 1024x1024 image (1024 patches + 31 row separators) plus a 10-token
 * prompt, decode tokens/s at that context, cached decoding vs recomputing the sequence, and RSS
 * across many consecutive generations.
 *
 * <p>{@code java -cp ... ai.solo.tests.bench.GenerationBenchmark [generations=1000]}
 */
public final class GenerationBenchmark {
    private static final VisionTokens SOLO_7B_TOKENS = new VisionTokens(32000, 32001, 32002, 32003, 32004);
    /** An id a random model never produces once suppressed: used as end-of-sequence so runs have a fixed length. */
    private static final int UNREACHABLE_EOS = 32001;

    private GenerationBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int generations = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        SoloConfig config = SoloConfig.builder().vocabSize(33031).hiddenSize(512).intermediateSize(1408)
                .numHiddenLayers(8).numAttentionHeads(8).numKeyValueHeads(2).eosTokenId(UNREACHABLE_EOS).build();
        try (SoloModel model = SoloModel.create(config, 1)) {
            Generator generator = Generator.create(model);
            TokenSequence prompt = imagePrompt(config);
            System.out.printf("small config: %,d parameters; prompt of %d tokens (1024x1024 image + 10 text tokens)%n",
                    config.parameterCount(), prompt.length());

            GenerationConfig decode = GenerationConfig.builder().maxNewTokens(64)
                    .suppressTokenIds(Set.of(UNREACHABLE_EOS)).build();
            generator.generate(prompt, decode, null); // warm-up
            double[] ttft = new double[3];
            double[] tokensPerSecond = new double[3];
            for (int i = 0; i < 3; i++) {
                GenerationResult r = generator.generate(prompt, decode, null);
                ttft[i] = r.timings().timeToFirstTokenNanos() / 1e6;
                tokensPerSecond[i] = r.timings().decodeTokensPerSecond(r.generatedTokens());
            }
            double decodeMsPerToken = 1000.0 / median(tokensPerSecond);
            System.out.printf("time to first token: %.1f ms (median of %s)%n", median(ttft), Arrays.toString(round(ttft)));
            System.out.printf("decode at ~%d tokens of context: %.1f tokens/s (%.2f ms/token, median of %s)%n",
                    prompt.length() + 32, median(tokensPerSecond), decodeMsPerToken, Arrays.toString(round(tokensPerSecond)));

            // recomputing the sequence: one full forward pass over the prompt per generated token
            ModelBatch whole = ModelBatch.of(prompt);
            model.logits(whole);
            double[] recompute = new double[3];
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                model.logits(whole);
                recompute[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("recompute per token (full forward, all positions' logits): %.1f ms -> cached decoding"
                    + " is %.0fx faster per token%n", median(recompute), median(recompute) / decodeMsPerToken);
            System.out.printf("recompute per token (prefill, last position only = time to first token): %.1f ms -> %.0fx%n",
                    median(ttft), median(ttft) / decodeMsPerToken);

            soak(generator, config, generations);
        }
    }

    /** RSS across many short consecutive generations: the native memory must stay flat. */
    private static void soak(Generator generator, SoloConfig config, int generations) {
        GenerationConfig shortRun = GenerationConfig.builder().maxNewTokens(16)
                .suppressTokenIds(Set.of(UNREACHABLE_EOS)).build();
        SplittableRandom random = new SplittableRandom(7);
        long first = 0;
        long start = System.nanoTime();
        for (int i = 1; i <= generations; i++) {
            int[] ids = random.ints(32, 3, 32000).toArray();
            TokenSequence text = SequenceBuilder.create(SOLO_7B_TOKENS, ImageClose.VISION).token(1, false)
                    .tokens(ids, false).build();
            generator.generate(text, shortRun, null);
            if (i == 1) {
                first = CheckpointLoadBenchmark.rss();
            }
            if (i == 1 || i % (generations / 10) == 0) {
                System.out.printf("generation %5d: RSS %.1f MiB%n", i, CheckpointLoadBenchmark.rss() / 1048576.0);
            }
        }
        long last = CheckpointLoadBenchmark.rss();
        System.out.printf("%d generations (32-token prompt, 16 new tokens) in %.1f s: RSS first %.1f MiB, last %.1f MiB"
                + " (%+.1f MiB)%n", generations, (System.nanoTime() - start) / 1e9, first / 1048576.0, last / 1048576.0,
                (last - first) / 1048576.0);
    }

    private static TokenSequence imagePrompt(SoloConfig config) {
        PatchGrid grid = new PatchGrid(32, 32, config.visionPatchSize());
        float[] values = new float[grid.count() * grid.patchDim()];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        ImagePatches image = new ImagePatches(grid, 1024, 1024, values);
        return SequenceBuilder.create(SOLO_7B_TOKENS, ImageClose.VISION)
                .image(image)
                .token(1, false)
                .tokens(new int[] {733, 16289, 28793, 1824, 349, 297, 272, 5754, 28804, 733}, false)
                .build();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
    }
}
