package ai.solo.tests;

import static org.assertj.core.api.Assertions.assertThat;

import ai.solo.generate.Conversation;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.GenerationResult;
import ai.solo.generate.Generator;
import ai.solo.generate.Prompt;
import ai.solo.impl.model.DjlSoloModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sixteen threads on one model for a bounded time, mixing single, batched, streamed and
 * sampled generation: no exception, every answer equal to the one computed alone beforehand,
 * no deadlock (the timeout), and no native memory left behind.
 */
class SixteenThreadsTest {
    private static final int THREADS = 16;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(8);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sixteenThreadsGenerateConcurrentlyAndGetTheSequentialAnswers() throws Exception {
        try (TinySolo.Loaded tiny = TinySolo.load(16)) {
            Generator generator = tiny.generator();
            List<Conversation> prompts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Prompt.Builder b = Prompt.builder();
                if (i % 2 == 0) {
                    b.image(TinySolo.image(32 + 16 * i, 64 - 8 * i, i));
                }
                prompts.add(Conversation.of(b.text("Thread test " + i + ", say something.").build()));
            }
            GenerationConfig greedy = TinySolo.greedy(5);
            GenerationConfig sampled = greedy.toBuilder().doSample(true).temperature(1.1).seed(3).build();
            List<GenerationResult> expectedGreedy = prompts.stream().map(p -> generator.generate(p, greedy)).toList();
            List<GenerationResult> expectedSampled = prompts.stream().map(p -> generator.generate(p, sampled))
                    .toList();
            DjlSoloModel djl = (DjlSoloModel) tiny.model();
            int arraysBefore = djl.weights().manager().getManagedArrays().size();

            AtomicInteger done = new AtomicInteger();
            long deadline = System.nanoTime() + RUN_NANOS;
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int round = 0; System.nanoTime() < deadline || round < 2; round++) {
                            int i = (thread + round) % prompts.size();
                            int j = (i + 1) % prompts.size();
                            switch ((thread + round) % 4) {
                                case 0 -> check(generator.generate(prompts.get(i), greedy), expectedGreedy.get(i),
                                        thread, round);
                                case 1 -> check(generator.generate(prompts.get(i), sampled), expectedSampled.get(i),
                                        thread, round);
                                case 2 -> {
                                    List<GenerationResult> both = generator.generateBatch(
                                            List.of(prompts.get(i), prompts.get(j)), greedy);
                                    check(both.get(0), expectedGreedy.get(i), thread, round);
                                    check(both.get(1), expectedGreedy.get(j), thread, round);
                                }
                                default -> {
                                    try (Stream<String> pieces = generator.stream(prompts.get(i), greedy)) {
                                        assertThat(pieces.collect(Collectors.joining()))
                                                .as("thread %d round %d (stream)", thread, round)
                                                .isEqualTo(expectedGreedy.get(i).text());
                                    }
                                }
                            }
                            done.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(150, TimeUnit.SECONDS); // rethrows a thread's failure
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(done.get()).as("requests completed").isGreaterThanOrEqualTo(THREADS * 2);
            assertThat(djl.weights().manager().getManagedArrays()).as("native arrays after the run")
                    .hasSize(arraysBefore);
        }
    }

    private static void check(GenerationResult got, GenerationResult expected, int thread, int round) {
        assertThat(got.tokenIds()).as("thread %d round %d", thread, round).containsExactly(expected.tokenIds());
        assertThat(got.text()).as("thread %d round %d", thread, round).isEqualTo(expected.text());
    }
}
