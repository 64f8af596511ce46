package pm.cli;

import java.util.List;

/**
 * A series of samples drawn as one row of bars, newest on the right, for pm top's CPU and memory
 * columns. A sample of nothing is the lowest bar; a missing sample (the series is shorter than the
 * width) is a blank, so a young app's line starts part way across.
 */
final class Sparkline {
    private Sparkline() {}

    private static final String BARS = "▁▂▃▄▅▆▇█";
    /** For a terminal that cannot show the bars (not UTF-8). */
    private static final String ASCII = "_.-=+*#@";

    /**
     * CPU percent, scaled to the window's peak but never to less than 5 %: an idle app's noise stays low
     * instead of filling the row.
     */
    static String cpu(List<Double> percents, int width, boolean unicode) {
        double peak = 5;
        for (int i = first(percents, width); i < percents.size(); i++) peak = Math.max(peak, percents.get(i));
        var levels = new int[Math.min(width, percents.size())];
        for (int i = 0; i < levels.length; i++) levels[i] = level(percents.get(percents.size() - levels.length + i), 0, peak);
        return draw(levels, width, unicode);
    }

    /**
     * Memory, scaled between the window's lowest and highest sample, so a slow leak shows as a slope; a
     * series that moves less than 1 % of its peak is flat, at mid height.
     */
    static String memory(List<Long> bytes, int width, boolean unicode) {
        long low = Long.MAX_VALUE, high = 0;
        for (int i = first(bytes, width); i < bytes.size(); i++) {
            low = Math.min(low, bytes.get(i));
            high = Math.max(high, bytes.get(i));
        }
        boolean flat = high - low <= high / 100;
        var levels = new int[Math.min(width, bytes.size())];
        for (int i = 0; i < levels.length; i++) {
            long b = bytes.get(bytes.size() - levels.length + i);
            levels[i] = flat ? BARS.length() / 2 - 1 : level(b - low, 0, high - low);
        }
        return draw(levels, width, unicode);
    }

    private static int first(List<?> series, int width) {
        return Math.max(0, series.size() - width);
    }

    /** 0 for the lowest bar (nothing, or a sample at the bottom of the range) to 7 for the peak. */
    static int level(double value, double low, double high) {
        if (!(value > low) || high <= low) return 0;
        int top = BARS.length() - 1;
        return (int) Math.min(top, Math.max(0, Math.ceil((value - low) / (high - low) * BARS.length()) - 1));
    }

    private static String draw(int[] levels, int width, boolean unicode) {
        String bars = unicode ? BARS : ASCII;
        var sb = new StringBuilder(width);
        sb.append(" ".repeat(Math.max(0, width - levels.length)));
        for (int l : levels) sb.append(bars.charAt(l));
        return sb.toString();
    }
}
