package ai.solo.examples.bench;

import ai.solo.generate.Conversation;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.TrainingSample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The training text of the benchmarks: examples of exactly {@link BenchConfigs#EXAMPLE_TOKENS}
 * tokens, so packed rows of a multiple of it are filled exactly and every run trains the same
 * work.
 */
public final class BenchTexts {
    private BenchTexts() {
    }

    /**
     * @param tokenizer the Mistral tokenizer, which encodes each of the words as one token
     * @param count how many samples
     * @return {@code count} text samples of exactly 512 tokens ({@code <s>}, 510 words of one
     *     token each, {@code </s>}), so rows of a multiple of 512 are filled exactly
     */
    public static List<TrainingSample> samples(SoloTokenizer tokenizer, int count) {
        String[] words = {"the", "red", "square", "left", "of", "a", "blue", "circle", "under", "three", "green",
            "stars", "chart", "value", "highest", "bar", "reads", "text", "small", "large"};
        SplittableRandom random = new SplittableRandom(1);
        int textTokens = BenchConfigs.EXAMPLE_TOKENS - 2;
        List<TrainingSample> samples = new ArrayList<>();
        while (samples.size() < count) {
            String text = IntStream.range(0, textTokens).mapToObj(w -> words[random.nextInt(words.length)])
                    .collect(Collectors.joining(" "));
            int n = tokenizer.encode(text).length;
            if (n != textTokens) {
                throw new IllegalStateException("expected one token per word from " + tokenizer + ", got " + n);
            }
            samples.add(new TrainingSample(Conversation.builder().assistant(text).build(), TrainingSample.Kind.TEXT,
                    "text:" + samples.size()));
        }
        return samples;
    }
}
