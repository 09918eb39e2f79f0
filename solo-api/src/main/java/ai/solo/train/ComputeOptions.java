package ai.solo.train;

import ai.solo.InvalidInputException;
import java.util.List;

/**
 * How a {@link Trainer} computes: on which devices, in which precision, and whether it trades
 * compute for memory.
 *
 * <ul>
 *   <li><b>devices</b>: data-parallel training over the devices of one machine
 *       ({@code "gpu:0"}, {@code "gpu:1"}, ...). Each device holds a replica of the weights and
 *       takes every n-th micro-batch of a step; their gradients are summed on the model's device,
 *       where the optimizer updates the model once, and every replica then takes the new
 *       weights. A step sees the same samples and gives the same update as on one device.
 *       Empty: the model's own device.
 *   <li><b>mixedPrecision</b>: forward and backward in float16 on float16 copies of the
 *       weights, while the model keeps float32 master weights that the optimizer updates,
 *       with dynamic loss scaling (a step whose gradients overflow is skipped and the scale
 *       halved; {@code lossScaleGrowthInterval} good steps in a row double it). For GPUs; it
 *       works on the CPU, slowly. The model must be loaded in {@code Precision.FLOAT32}.
 *   <li><b>activationCheckpointing</b>: the forward pass keeps only each decoder layer's input
 *       and the backward pass runs the layer again, recorded, when it reaches it: activation
 *       memory of one layer instead of all, for about one more forward pass. Same gradients.
 * </ul>
 *
 * @param devices devices to train on, empty for the model's device
 * @param mixedPrecision float16 compute with float32 master weights
 * @param activationCheckpointing recompute each layer in the backward pass
 * @param initialLossScale first loss scale of mixed precision (a power of two)
 * @param lossScaleGrowthInterval overflow-free steps before the loss scale doubles
 */
public record ComputeOptions(List<String> devices, boolean mixedPrecision, boolean activationCheckpointing,
        double initialLossScale, int lossScaleGrowthInterval) {

    /**
     * Validates the fields.
     *
     * @param devices devices to train on, empty for the model's device
     * @param mixedPrecision float16 compute with float32 master weights
     * @param activationCheckpointing recompute each layer in the backward pass
     * @param initialLossScale first loss scale of mixed precision
     * @param lossScaleGrowthInterval overflow-free steps before the loss scale doubles
     */
    public ComputeOptions {
        if (devices == null) {
            throw new InvalidInputException("devices must be a list of device names, got null");
        }
        for (String d : devices) {
            if (d == null || !d.matches("cpu|gpu(:\\d{1,4})?")) {
                throw new InvalidInputException("device must be \"cpu\", \"gpu\" or \"gpu:N\", got " + d);
            }
        }
        devices = List.copyOf(devices);
        if (!(initialLossScale >= 1) || Double.isInfinite(initialLossScale)) {
            throw new InvalidInputException("initialLossScale must be a finite number >= 1, got " + initialLossScale);
        }
        if (lossScaleGrowthInterval < 1) {
            throw new InvalidInputException("lossScaleGrowthInterval must be >= 1, got " + lossScaleGrowthInterval);
        }
    }

    /** @return the model's device, its precision, no checkpointing; loss scaling 65536 doubling every 2,000 steps */
    public static ComputeOptions defaults() {
        return new ComputeOptions(List.of(), false, false, 65536, 2000);
    }
}
