package ai.solo.impl.train.listen;

import ai.solo.train.TrainingListener;
import ai.solo.train.TrainingSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar per stage:
 * {@code stage1 [##########----------]  50/100 loss 2.345 lr 4.5e-05 1,234 tok/s ETA 1m23s}.
 *
 * <p>The line is redrawn in place with {@code '\r'} after every step, and ended with a newline
 * every tenth of the stage and at its end, so a log file (where {@code '\r'} does not erase)
 * still reads as a short list of lines. The ETA is the mean step time of the stage so far times
 * the steps left; tokens per second are the stage's tokens over its step time. Evaluations,
 * checkpoints and the end of the run are printed as lines of their own.
 *
 * <p>Does not own the stream: closing is the caller's business. Not thread-safe.
 */
public final class ConsoleProgress implements TrainingListener {
    private static final int BAR_WIDTH = 20;

    private final PrintStream out;
    private final LongSupplier nanoClock;

    private long runStart = -1;
    private String stage;
    private long stepsThisRun;
    private long nanosThisRun;
    private long tokensThisRun;
    private long lastDecile;
    /** Whether the cursor sits at the end of a redrawn line that has no newline yet. */
    private boolean lineOpen;
    private int lastLength;

    /** @param out where to draw, e.g. {@code System.out} */
    public ConsoleProgress(PrintStream out) {
        this(out, System::nanoTime);
    }

    ConsoleProgress(PrintStream out, LongSupplier nanoClock) {
        if (out == null) {
            throw new NullPointerException("out");
        }
        this.out = out;
        this.nanoClock = nanoClock;
    }

    @Override
    public void onStageStart(StageStart s) {
        endLine();
        if (runStart < 0) {
            runStart = nanoClock.getAsLong();
        }
        begin(s.name(), s.steps(), s.startStep());
        String where = s.startStep() > 0
                ? String.format(Locale.ROOT, "resuming at step %,d of %,d", s.startStep(), s.steps())
                : String.format(Locale.ROOT, "%,d steps", s.steps());
        out.printf(Locale.ROOT, "%s (stage %d/%d): %s%n", s.name(), s.index() + 1, s.stageCount(), where);
        out.flush();
    }

    @Override
    public void onStep(StepMetrics m) {
        if (!m.stage().equals(stage)) {
            // a trainer that does not announce stages still gets a sensible bar
            begin(m.stage(), m.steps(), m.step() - 1);
        }
        if (runStart < 0) {
            runStart = nanoClock.getAsLong();
        }
        stepsThisRun++;
        nanosThisRun += m.stepNanos();
        tokensThisRun += m.tokens();
        String line = line(m);
        long decile = decile(m.step(), m.steps());
        boolean full = m.step() >= m.steps() || decile > lastDecile;
        StringBuilder sb = new StringBuilder(line.length() + 8).append('\r').append(line);
        for (int i = line.length(); i < lastLength; i++) {
            sb.append(' ');
        }
        out.print(sb);
        if (full) {
            out.println();
            lastDecile = decile;
            lineOpen = false;
            lastLength = 0;
        } else {
            lineOpen = true;
            lastLength = line.length();
        }
        out.flush();
    }

    @Override
    public void onEvaluation(Evaluation e) {
        endLine();
        out.printf(Locale.ROOT, "%s step %,d: held-out loss %s over %,d target tokens%n", e.stage(), e.step(),
                loss(e.loss()), e.targetTokens());
        out.flush();
    }

    @Override
    public void onCheckpoint(Path dir, String stageName, long step) {
        endLine();
        out.printf(Locale.ROOT, "%s step %,d: checkpoint %s%n", stageName, step, dir);
        out.flush();
    }

    @Override
    public void onEnd(TrainingSummary summary) {
        endLine();
        long elapsed = runStart < 0 ? 0 : nanoClock.getAsLong() - runStart;
        String heldOut = Double.isNaN(summary.finalHeldOutLoss()) ? "not evaluated" : loss(summary.finalHeldOutLoss());
        out.printf(Locale.ROOT, "done: %,d steps, %,d tokens in %s; final loss %s, held-out loss %s; checkpoint %s%n",
                summary.steps(), summary.tokens(), duration(elapsed), loss(summary.finalLoss()), heldOut,
                summary.checkpoint());
        out.flush();
    }

    private void begin(String name, long stageSteps, long startStep) {
        stage = name;
        stepsThisRun = 0;
        nanosThisRun = 0;
        tokensThisRun = 0;
        lastDecile = decile(startStep, stageSteps);
    }

    private String line(StepMetrics m) {
        long done = Math.min(Math.max(m.step(), 0), m.steps());
        int filled = (int) (done * BAR_WIDTH / Math.max(1, m.steps()));
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        int width = Long.toString(m.steps()).length();
        double tokensPerSecond = nanosThisRun == 0 ? 0 : tokensThisRun * 1e9 / nanosThisRun;
        long left = Math.max(0, m.steps() - m.step());
        String time = left == 0
                ? "took " + duration(nanosThisRun)
                : "ETA " + duration(nanosThisRun / stepsThisRun * left);
        return String.format(Locale.ROOT, "%s [%s] %" + width + "d/%d loss %s lr %.1e %,.0f tok/s %s%s", m.stage(), bar,
                m.step(), m.steps(), loss(m.loss()), m.learningRate(), tokensPerSecond, time,
                m.skipped() ? " (step skipped: non-finite loss)" : "");
    }

    /** Ends a redrawn line so the next output starts on a fresh one. */
    private void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
            lastLength = 0;
        }
    }

    private static long decile(long step, long of) {
        return of <= 0 ? 0 : Math.max(0, step) * 10 / of;
    }

    static String loss(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /**
     * @param nanos a duration
     * @return {@code 42s}, {@code 1m23s} or {@code 2h05m}
     */
    static String duration(long nanos) {
        long s = Math.max(0, Math.round(nanos / 1e9));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
