package ai.solo.eval;

import ai.solo.InvalidInputException;
import ai.solo.spi.SoloProviders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's losses against the training tokens seen, read from the {@code metrics.jsonl}
 * the trainer writes: the input of a {@link ScalingLaw}.
 *
 * <p>Tokens are counted from the run's start across stages: the {@code tokens} of every
 * {@code step} event (tokens processed in the step, padding excluded, skipped steps included),
 * in stage order. A resumed run's {@code stage_start} with {@code start_step} above 0 drops the
 * steps and evaluations of that stage logged after that step (by the interrupted run) and
 * everything of later stages, as the trainer's own loss plot does.
 *
 * @param steps every optimizer step, in order
 * @param evaluations every held-out evaluation, in order
 */
public record TrainingCurve(List<Step> steps, List<Evaluation> evaluations) {

    /** Points a {@link ScalingMetric#TRAIN} curve is smoothed into when no window is given. */
    public static final int DEFAULT_TRAIN_POINTS = 20;

    /**
     * Copies the lists.
     *
     * @param steps the steps
     * @param evaluations the evaluations
     */
    public TrainingCurve {
        steps = List.copyOf(steps);
        evaluations = List.copyOf(evaluations);
    }

    /**
     * Reads a trainer's {@code metrics.jsonl} (format in {@code docs/RECIPE.md}). Events other
     * than {@code stage_start}, {@code step} and {@code eval} are ignored, and so is a line cut
     * short by a crash (a JSON object ending early); any other malformed line is an error.
     *
     * @param metricsJsonl the file
     * @return the curve
     * @throws InvalidInputException naming {@code file:line} and the field of a malformed line,
     *     or the file if it cannot be read or has no step
     */
    public static TrainingCurve read(Path metricsJsonl) {
        if (metricsJsonl == null) {
            throw new InvalidInputException("metrics file must not be null");
        }
        return SoloProviders.get().readTrainingCurve(metricsJsonl);
    }

    /**
     * One optimizer step.
     *
     * @param stage its stage
     * @param step 1-based step within the stage
     * @param tokens tokens processed in the step
     * @param cumulativeTokens tokens processed from the run's start through this step
     * @param loss the step's mean training loss; NaN if it was not finite
     * @param skipped whether its update was skipped (non-finite loss)
     */
    public record Step(String stage, long step, long tokens, long cumulativeTokens, double loss, boolean skipped) {
    }

    /**
     * One held-out evaluation.
     *
     * @param stage its stage
     * @param step the step after which it ran
     * @param cumulativeTokens tokens trained on from the run's start through that step
     * @param loss the held-out loss; NaN if not finite (no target tokens)
     */
    public record Evaluation(String stage, long step, long cumulativeTokens, double loss) {
    }

    /** @return the stages, in the order they ran */
    public List<String> stages() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            if (!out.contains(s.stage())) {
                out.add(s.stage());
            }
        }
        for (Evaluation e : evaluations) {
            if (!out.contains(e.stage())) {
                out.add(e.stage());
            }
        }
        return out;
    }

    /**
     * @param stage a stage name
     * @return the steps and evaluations of that stage only (token counts still from the run's start)
     * @throws InvalidInputException if the run has no such stage
     */
    public TrainingCurve stage(String stage) {
        if (!stages().contains(stage)) {
            throw new InvalidInputException("no stage \"" + stage + "\" in the metrics; stages: " + stages());
        }
        return new TrainingCurve(steps.stream().filter(s -> s.stage().equals(stage)).toList(),
                evaluations.stream().filter(e -> e.stage().equals(stage)).toList());
    }

    /**
     * The points a scaling law is fitted to. Points at 0 tokens are left out (log 0 is undefined).
     *
     * <ul>
     *   <li>{@link ScalingMetric#EVAL}: one point per evaluation with a finite loss: D = tokens
     *       trained on through the step it followed.</li>
     *   <li>{@link ScalingMetric#TRAIN}: consecutive steps of a stage (never across stages, whose
     *       loss rules differ) grouped into windows of {@code window} steps, the last window of a
     *       stage possibly shorter; skipped and non-finite steps left out. Each window is one
     *       point: the mean loss, at the mean of D over its steps, where a step's D is the tokens
     *       trained on before it (its loss was measured before its update).</li>
     * </ul>
     *
     * @param metric which loss
     * @param window steps per window of {@link ScalingMetric#TRAIN}; 0 picks one giving about
     *     {@value #DEFAULT_TRAIN_POINTS} points; ignored for {@link ScalingMetric#EVAL}
     * @return the points, in the order they were measured
     */
    public List<ScalingPoint> points(ScalingMetric metric, int window) {
        if (metric == null) {
            throw new InvalidInputException("metric must not be null");
        }
        if (window < 0) {
            throw new InvalidInputException("window must be >= 0 steps, got " + window);
        }
        List<ScalingPoint> out = new ArrayList<>();
        if (metric == ScalingMetric.EVAL) {
            for (Evaluation e : evaluations) {
                if (Double.isFinite(e.loss()) && e.cumulativeTokens() > 0) {
                    out.add(new ScalingPoint(e.cumulativeTokens(), e.loss(), e.stage(), e.step()));
                }
            }
            return out;
        }
        List<Step> usable = steps.stream().filter(s -> !s.skipped() && Double.isFinite(s.loss())).toList();
        int w = window > 0 ? window : Math.max(1, (int) Math.round(usable.size() / (double) DEFAULT_TRAIN_POINTS));
        int i = 0;
        while (i < usable.size()) {
            String stage = usable.get(i).stage();
            double tokens = 0;
            double loss = 0;
            int n = 0;
            Step last = null;
            while (i < usable.size() && n < w && usable.get(i).stage().equals(stage)) {
                last = usable.get(i);
                tokens += last.cumulativeTokens() - last.tokens();
                loss += last.loss();
                n++;
                i++;
            }
            if (tokens > 0) {
                out.add(new ScalingPoint(tokens / n, loss / n, stage, last.step()));
            }
        }
        return out;
    }
}
