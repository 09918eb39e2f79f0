package ai.solo.impl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.solo.SoloException;
import ai.solo.impl.engine.Engines;
import ai.solo.impl.model.DjlSoloModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Data-parallel gradient computation over the replicas of one machine: a step's micro-batches
 * are dealt round-robin to the replicas, which run forward and backward at the same time (one
 * thread each), and their gradients are summed into float32 master gradients on the model's
 * device (an all-reduce to one place, since the optimizer runs there once), unscaled by the
 * loss scale. After the update every copy pulls the new weights.
 *
 * <p>With one replica that is the model itself (float32 or its own precision, one device)
 * nothing is copied: gradients are read where they accumulated.
 */
final class DataParallel implements AutoCloseable {
    private final DjlSoloModel model;
    private final List<Replica> replicas;
    private final ExecutorService pool;
    private final NDManager gradManager;
    private final Map<String, NDArray> masterGradients = new LinkedHashMap<>();

    /**
     * @param model the model being trained: its weights are the master weights
     * @param replicas the replicas computing gradients, at least one
     */
    DataParallel(DjlSoloModel model, List<Replica> replicas) {
        this.model = model;
        this.replicas = List.copyOf(replicas);
        this.pool = replicas.size() > 1 ? Executors.newFixedThreadPool(replicas.size(), r -> {
            Thread t = new Thread(r, "solo-replica");
            t.setDaemon(true);
            return t;
        }) : null;
        this.gradManager = model.weights().manager().newSubManager();
    }

    /** @return whether gradients are reduced into separate master gradients (copies or several replicas) */
    boolean reduces() {
        return replicas.size() > 1 || replicas.get(0).isCopy();
    }

    /** @return the replicas */
    List<Replica> replicas() {
        return replicas;
    }

    /**
     * Makes parameters trainable on every replica.
     *
     * @param names trainable parameter names
     */
    void train(Set<String> names) {
        for (Replica r : replicas) {
            r.train(names);
        }
        if (reduces()) {
            Engines.withoutGradient(() -> {
                for (String name : names) {
                    NDArray g = gradManager.zeros(model.weights().get(name).getShape(), DataType.FLOAT32);
                    masterGradients.put(name, g);
                }
            });
        }
    }

    /**
     * Runs forward and backward of every micro-batch, accumulating gradients on the replicas.
     *
     * @param micro the step's micro-batches
     * @param gradScale factor on each summed loss before backward
     * @param backprop full or checkpointed
     * @return the summed negative log-likelihood over all micro-batches
     */
    double forwardBackward(List<PackedBatch> micro, float gradScale, Backprop backprop) {
        if (pool == null) {
            return runShare(replicas.get(0), micro, 0, 1, gradScale, backprop);
        }
        List<Future<Double>> results = new ArrayList<>();
        for (int r = 0; r < replicas.size(); r++) {
            int rank = r;
            results.add(pool.submit(() -> runShare(replicas.get(rank), micro, rank, replicas.size(), gradScale,
                    backprop)));
        }
        double sum = 0;
        for (Future<Double> f : results) {
            try {
                sum += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SoloException("interrupted while replicas computed gradients", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new SoloException("a replica failed: " + e.getCause(), e.getCause());
            }
        }
        return sum;
    }

    private static double runShare(Replica replica, List<PackedBatch> micro, int rank, int size, float gradScale,
            Backprop backprop) {
        double sum = 0;
        for (int m = rank; m < micro.size(); m += size) {
            PackedBatch b = micro.get(m);
            if (b.targetTokens() > 0) {
                sum += replica.run(b, gradScale, backprop);
            }
        }
        return sum;
    }

    /**
     * The step's gradients of the master weights: the replicas' gradients summed and divided by
     * {@code lossScale}, in float32 on the model's device. Arrays returned for the single
     * model-replica are views created in the caller's scope.
     *
     * @param lossScale the scale the loss was multiplied by
     * @return gradient by parameter name
     */
    Map<String, NDArray> gradients(double lossScale) {
        if (!reduces()) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            replicas.get(0).trainable().forEach((name, p) -> out.put(name, p.getGradient()));
            return out;
        }
        Engines.withoutGradient(() -> {
            for (Map.Entry<String, NDArray> e : masterGradients.entrySet()) {
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray sum = e.getValue();
                    sum.set(new NDIndex(":"), 0);
                    for (Replica r : replicas) {
                        NDArray g = r.trainable().get(e.getKey()).getGradient();
                        sum.addi(g.toDevice(sum.getDevice(), false).toType(DataType.FLOAT32, false));
                    }
                    if (lossScale != 1.0) {
                        sum.muli((float) (1.0 / lossScale));
                    }
                }
            }
        });
        return masterGradients;
    }

    /** Copies the updated master weights to every replica that holds a copy. */
    void broadcast() {
        for (Replica r : replicas) {
            if (r.isCopy()) {
                r.pull(model.weights());
            }
        }
    }

    /** Zeroes the gradients on every replica. */
    void zeroGradients() {
        for (Replica r : replicas) {
            Gradients.zero(r.parameters());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        for (Replica r : replicas) {
            r.close();
        }
        gradManager.close();
    }
}
