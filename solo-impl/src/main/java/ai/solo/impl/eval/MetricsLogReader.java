package ai.solo.impl.eval;

import ai.solo.InvalidInputException;
import ai.solo.eval.TrainingCurve;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the trainer's {@code metrics.jsonl} into a {@link TrainingCurve}: steps and evaluations
 * with training tokens counted from the run's start, a resumed stage's superseded events dropped.
 */
public final class MetricsLogReader {
    private static final Logger logger = LoggerFactory.getLogger(MetricsLogReader.class);

    /** A step as logged, before tokens are accumulated. */
    private record StepLine(int stageIndex, String stage, long step, long tokens, double loss, boolean skipped) {
    }

    /** An evaluation as logged. */
    private record EvalLine(int stageIndex, String stage, long step, double loss) {
    }

    private MetricsLogReader() {
    }

    /**
     * @param file a {@code metrics.jsonl}
     * @return the curve
     * @throws InvalidInputException naming {@code file:line} and the field of a malformed line, or
     *     the file if it has no step
     */
    public static TrainingCurve read(Path file) {
        List<StepLine> steps = new ArrayList<>();
        List<EvalLine> evals = new ArrayList<>();
        Map<String, Integer> stageIndex = new HashMap<>();
        int torn = 0;
        try (JsonLines lines = new JsonLines(file, "metrics")) {
            for (JsonLines.Line line = lines.next(); line != null; line = lines.next()) {
                JsonNode o = line.json();
                if (o == null) {
                    torn++; // a line a killed run left half-written
                    continue;
                }
                try {
                    if (!o.isObject()) {
                        throw new MalformedLineException("a metrics event must be a JSON object, got "
                                + JsonLines.describe(o));
                    }
                    String event = text(o, "event");
                    switch (event) {
                        case "stage_start" -> {
                            String stage = text(o, "stage");
                            int index = (int) integer(o, "index", 0);
                            long startStep = integer(o, "start_step", 0);
                            stageIndex.put(stage, index);
                            // a resumed stage restarts at startStep: what was logged after it is superseded
                            steps.removeIf(s -> s.stageIndex() > index || s.stageIndex() == index && s.step() > startStep);
                            evals.removeIf(e -> e.stageIndex() > index || e.stageIndex() == index && e.step() > startStep);
                        }
                        case "step" -> {
                            String stage = text(o, "stage");
                            steps.add(new StepLine(index(stageIndex, stage), stage, integer(o, "step", 1),
                                    integer(o, "tokens", 0), number(o, "loss"), bool(o, "skipped")));
                        }
                        case "eval" -> {
                            String stage = text(o, "stage");
                            evals.add(new EvalLine(index(stageIndex, stage), stage, integer(o, "step", 0),
                                    number(o, "held_out_loss")));
                        }
                        default -> {
                            // checkpoints, the end summary and future events carry no curve
                        }
                    }
                } catch (MalformedLineException e) {
                    throw lines.error(e.getMessage());
                }
            }
        }
        if (torn > 0) {
            logger.warn("{}: skipped {} line(s) cut short, as a killed run leaves them", file, torn);
        }
        if (steps.isEmpty()) {
            throw new InvalidInputException(file + ": no \"step\" events; is this a trainer's metrics.jsonl?");
        }
        return curve(steps, evals);
    }

    /** Accumulates tokens in stage and step order. */
    private static TrainingCurve curve(List<StepLine> steps, List<EvalLine> evals) {
        List<StepLine> ordered = new ArrayList<>(steps);
        ordered.sort(Comparator.comparingInt(StepLine::stageIndex).thenComparingLong(StepLine::step));
        List<TrainingCurve.Step> outSteps = new ArrayList<>(ordered.size());
        long total = 0;
        for (StepLine s : ordered) {
            total += s.tokens();
            outSteps.add(new TrainingCurve.Step(s.stage(), s.step(), s.tokens(), total, s.loss(), s.skipped()));
        }
        List<TrainingCurve.Evaluation> outEvals = new ArrayList<>(evals.size());
        for (EvalLine e : evals) {
            // the last step at or before the evaluation: binary search in (stage, step) order
            int lo = 0;
            int hi = ordered.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                StepLine s = ordered.get(mid);
                if (s.stageIndex() < e.stageIndex() || s.stageIndex() == e.stageIndex() && s.step() <= e.step()) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            long tokens = lo == 0 ? 0 : outSteps.get(lo - 1).cumulativeTokens();
            outEvals.add(new TrainingCurve.Evaluation(e.stage(), e.step(), tokens, e.loss()));
        }
        return new TrainingCurve(outSteps, outEvals);
    }

    /** A stage seen without its {@code stage_start} (a hand-made file) comes after every stage seen. */
    private static int index(Map<String, Integer> stageIndex, String stage) {
        Integer index = stageIndex.get(stage);
        if (index == null) {
            index = stageIndex.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            stageIndex.put(stage, index);
        }
        return index;
    }

    private static String text(JsonNode o, String field) throws MalformedLineException {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new MalformedLineException("\"" + field + "\" must be a string, got " + JsonLines.describe(v));
        }
        return v.textValue();
    }

    private static long integer(JsonNode o, String field, long min) throws MalformedLineException {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min) {
            throw new MalformedLineException("\"" + field + "\" must be an integer >= " + min + ", got "
                    + (v != null && v.isNumber() ? v.asText() : JsonLines.describe(v)));
        }
        return v.longValue();
    }

    /** A number, or NaN for JSON {@code null} (how the trainer writes a non-finite value). */
    private static double number(JsonNode o, String field) throws MalformedLineException {
        JsonNode v = o.get(field);
        if (v != null && v.isNull()) {
            return Double.NaN;
        }
        if (v == null || !v.isNumber()) {
            throw new MalformedLineException("\"" + field + "\" must be a number or null, got " + JsonLines.describe(v));
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode o, String field) throws MalformedLineException {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new MalformedLineException("\"" + field + "\" must be true or false, got " + JsonLines.describe(v));
        }
        return v.booleanValue();
    }
}
