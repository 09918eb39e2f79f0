package ai.solo.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.solo.SoloModel;
import ai.solo.examples.bench.BenchConfigs;
import ai.solo.generate.GenerationConfig;
import ai.solo.generate.Generator;
import ai.solo.impl.model.DjlSoloModel;
import ai.solo.tests.Fixtures;
import ai.solo.text.SoloTokenizer;
import ai.solo.train.Recipe;
import ai.solo.train.Trainer;
import ai.solo.train.TrainingListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak of {@link SoakBenchmark}, short enough for every build: 40 training steps, then 300
 * generations, on one model. Between an early and a late reading of each phase, no NDArray may
 * be left alive, and neither the Java heap in use after a GC nor malloc's bytes in use may grow
 * by more than a few MiB. A leak of one small array per step or per generation fails it; the
 * resident set is not asserted, as G1 and malloc warm up for longer than this runs.
 */
class ShortSoakTest {
    private static final long HEAP_SLACK = 8L << 20;
    private static final long MALLOC_SLACK = 24L << 20;

    @TempDir
    Path out;

    @Test
    void trainingAndGenerationHoldNoMoreArraysHeapOrMallocAsTheyRun() {
        MemoryProbe.Snapshot[] at = new MemoryProbe.Snapshot[4];
        try (SoloTokenizer tokenizer = SoloTokenizer.load(Fixtures.mistralTokenizer());
                SoloModel model = SoloModel.create(BenchConfigs.config("tiny"), 1)) {
            model.attachTokenizer(tokenizer);
            NDManager manager = ((DjlSoloModel) model).weights().manager();
            try (Trainer trainer = Trainer.builder(model, Recipe.of(SoakBenchmark.stage(40))).outputDir(out)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            if (m.step() == 10 || m.step() == 40) {
                                at[m.step() == 10 ? 0 : 1] = MemoryProbe.take(manager);
                            }
                        }
                    }).build()) {
                trainer.run();
            }
            Generator generator = Generator.create(model);
            GenerationConfig greedy = GenerationConfig.builder().maxNewTokens(8).build();
            for (int i = 1; i <= 300; i++) {
                generator.generate(SoakBenchmark.question(i), greedy);
                if (i == 50 || i == 300) {
                    at[i == 50 ? 2 : 3] = MemoryProbe.take(manager);
                }
            }
        }

        checkFlat("training, steps 10 to 40", at[0], at[1]);
        checkFlat("generation, 50 to 300", at[2], at[3]);
    }

    private static void checkFlat(String phase, MemoryProbe.Snapshot from, MemoryProbe.Snapshot to) {
        assertThat(to.ndArrays()).as(phase + ": live NDArrays").isEqualTo(from.ndArrays()).isPositive();
        assertThat(to.heapUsed() - from.heapUsed()).as(phase + ": heap used after GC, bytes").isLessThan(HEAP_SLACK);
        if (from.mallocInUse() >= 0) {
            assertThat(to.mallocInUse() - from.mallocInUse()).as(phase + ": malloc in use, bytes")
                    .isLessThan(MALLOC_SLACK);
        }
    }
}
