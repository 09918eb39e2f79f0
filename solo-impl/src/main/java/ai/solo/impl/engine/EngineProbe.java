package ai.solo.impl.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the engine under the SDK can do on this machine: the attainable float32 matmul rate
 * (the denominator of model-FLOPs utilisation), the fixed cost of one engine call, and the
 * engine's versions and threads. For benchmarks; plain Java types out.
 */
public final class EngineProbe {
    private EngineProbe() {
    }

    /**
     * Multiplies two {@code n x n} float32 matrices in a loop, in one-second windows after one
     * warm-up window.
     *
     * @param n the matrix size
     * @param windows timed windows
     * @return the best window's GFLOP/s ({@code 2 n^3} per product)
     */
    public static double matmulGflops(int n, int windows) {
        double best = 0;
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            for (int window = 0; window <= windows; window++) {
                long start = System.nanoTime();
                long count = 0;
                while (System.nanoTime() - start < 1_000_000_000L) {
                    try (NDArray c = a.matMul(b)) {
                        count++;
                    }
                }
                double gflops = 2.0 * n * n * n * count / (System.nanoTime() - start);
                if (window > 0) {
                    best = Math.max(best, gflops);
                }
            }
        }
        return best;
    }

    /**
     * The fixed cost of one engine call through DJL: a 1-element add, closed at once.
     *
     * @param calls calls per round; the best of 3 rounds after a warm-up round counts
     * @return microseconds per call
     */
    public static double tinyOpMicros(int calls) {
        double best = Double.MAX_VALUE;
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            NDArray x = manager.create(new float[] {1f});
            NDArray y = manager.create(new float[] {2f});
            for (int round = 0; round < 4; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    x.add(y).close();
                }
                double us = (System.nanoTime() - start) / 1e3 / calls;
                if (round > 0) {
                    best = Math.min(best, us);
                }
            }
        }
        return best;
    }

    /** @return Java, DJL and libtorch versions, the BLAS, and the engine's thread counts */
    public static Map<String, Object> runtime() {
        Engine engine = Engines.pytorch();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("java", System.getProperty("java.version"));
        r.put("djl", Engine.getDjlVersion());
        r.put("torch", engine.getVersion());
        // DJL's CPU libtorch is PyTorch's own build, which links MKL statically
        r.put("blas", "MKL (in DJL's libtorch)");
        r.put("intra_op_threads", JniUtils.getNumThreads());
        r.put("inter_op_threads", JniUtils.getNumInteropThreads());
        return r;
    }
}
