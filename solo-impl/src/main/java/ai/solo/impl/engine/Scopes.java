package ai.solo.impl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Native-memory scopes around one piece of work. DJL frees an intermediate array only when its
 * handle is closed, not when autograd or Java stops needing it, so a forward pass over many
 * layers would otherwise hold every layer's temporaries until its caller's scope ends.
 * Closing a handle never frees what autograd saved for the backward pass: PyTorch keeps its own
 * reference.
 */
public final class Scopes {
    private Scopes() {
    }

    /**
     * Runs work in its own {@link NDScope} and closes every array it created except its result,
     * which moves to the enclosing scope (if any), as if the caller had created it.
     *
     * @param work the work
     * @return its result (open, still attached to its manager), or null
     */
    public static NDArray keepOnly(Supplier<NDArray> work) {
        NDArray kept;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            kept = work.get();
            if (kept != null) {
                NDScope.unregister(kept);
            }
        }
        if (kept != null) {
            NDScope.register(kept);
        }
        return kept;
    }
}
