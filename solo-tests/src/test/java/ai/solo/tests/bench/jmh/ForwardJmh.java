package ai.solo.tests.bench.jmh;

import ai.solo.ModelBatch;
import ai.solo.SoloModel;
import ai.solo.examples.bench.BenchConfigs;
import ai.solo.text.ImageClose;
import ai.solo.text.SequenceBuilder;
import ai.solo.text.VisionTokens;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One forward pass of the small config over a text prompt, logits of every position: the op
 * count per layer shows at short lengths, the matmuls at long ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ForwardJmh {
    @Param({"16", "512"})
    int tokens;

    private SoloModel model;
    private ModelBatch batch;

    @Setup
    public void setUp() {
        System.setProperty("ai.djl.offline", "true");
        model = SoloModel.create(BenchConfigs.config("small"), 1);
        int[] ids = new SplittableRandom(1).ints(tokens - 1, 3, 32000).toArray();
        batch = ModelBatch.of(SequenceBuilder.create(new VisionTokens(32000, 32001, 32002, 32003, 32004),
                ImageClose.VISION).token(1, false).tokens(ids, false).build());
    }

    @TearDown
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public Object forward() {
        return model.logits(batch);
    }
}
