package ai.solo.tests.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The fixed cost of one engine call through DJL (JNI, handle, result wrapper): a 1-element add,
 * and the same add on a 512 x 512 tensor, where the arithmetic starts to count.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineCallJmh {
    @Param({"1", "262144"})
    int elements;

    private NDManager manager;
    private NDArray x;
    private NDArray y;

    @Setup
    public void setUp() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager();
        x = manager.ones(new ai.djl.ndarray.types.Shape(elements));
        y = manager.ones(new ai.djl.ndarray.types.Shape(elements));
    }

    @TearDown
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public void add(Blackhole bh) {
        try (NDArray z = x.add(y)) {
            bh.consume(z);
        }
    }
}
