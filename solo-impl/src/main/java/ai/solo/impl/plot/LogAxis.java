package ai.solo.impl.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A base-10 logarithmic axis over positive values, padded by a margin, with ticks at 1, 2 and 5
 * times powers of ten (only powers of ten when the range spans many decades) and compact
 * labels ({@code 20k}, {@code 1.5M}, {@code 0.5}).
 *
 * @param lowLog10 log10 of the lowest value shown
 * @param highLog10 log10 of the highest value shown
 */
public record LogAxis(double lowLog10, double highLog10) implements PlotCanvas.Axis {

    /**
     * @param values the values to show, at least one, all above 0
     * @return an axis covering them with 5% of the range (at least a tenth of a decade) to spare on each side
     * @throws IllegalArgumentException if a value is not above 0
     */
    public static LogAxis covering(double... values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("a log axis shows finite values above 0, got " + v);
            }
            lo = Math.min(lo, Math.log10(v));
            hi = Math.max(hi, Math.log10(v));
        }
        double pad = Math.max(0.1, (hi - lo) * 0.05);
        return new LogAxis(lo - pad, hi + pad);
    }

    @Override
    public double fraction(double value) {
        return (Math.log10(value) - lowLog10) / (highLog10 - lowLog10);
    }

    @Override
    public List<Double> ticks() {
        double span = highLog10 - lowLog10;
        int[] mantissas = span > 4 ? new int[] {1} : span > 1.2 ? new int[] {1, 2, 5} : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<Double> ticks = new ArrayList<>();
        for (int decade = (int) Math.floor(lowLog10); decade <= (int) Math.ceil(highLog10); decade++) {
            for (int m : mantissas) {
                double v = m * Math.pow(10, decade);
                double log = Math.log10(v);
                if (log >= lowLog10 - 1e-9 && log <= highLog10 + 1e-9) {
                    ticks.add(v);
                }
            }
        }
        if (span > 4 && ticks.size() > 10) {
            // many decades: every other power of ten
            List<Double> thinned = new ArrayList<>();
            for (int i = 0; i < ticks.size(); i += 2) {
                thinned.add(ticks.get(i));
            }
            return thinned;
        }
        return ticks;
    }

    @Override
    public String label(double tick) {
        return compact(tick);
    }

    /**
     * @param v a value
     * @return it in at most three significant digits with a k, M, B or T suffix from a thousand up
     */
    public static String compact(double v) {
        String[] suffixes = {"", "k", "M", "B", "T"};
        int i = 0;
        double scaled = v;
        while (Math.abs(scaled) >= 1000 && i < suffixes.length - 1) {
            scaled /= 1000;
            i++;
        }
        if (Math.abs(scaled) >= 1000 || (v != 0 && Math.abs(v) < 1e-3)) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        String digits = String.format(Locale.ROOT, "%.3g", scaled);
        if (digits.contains(".") && !digits.contains("e")) {
            digits = digits.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return digits + suffixes[i];
    }
}
