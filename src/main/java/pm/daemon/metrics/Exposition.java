package pm.daemon.metrics;

/**
 * Writes metrics in Prometheus' text format (0.0.4) or, when a scraper asks for it, OpenMetrics 1.0.0.
 * The two differ only in a few places: an OpenMetrics counter family is named without {@code _total}
 * (its samples keep it), an info family without {@code _info} and typed {@code info}, and the text ends
 * with {@code # EOF}. Written by hand rather than with the official client library: measured, the
 * library's classes cost the daemon more memory at rest than the whole budget of its HTTP side allows
 * once loaded by the first scrape (docs/performance.md), and pm's metrics are a handful of families with
 * no histograms. Not thread-safe: one per scrape.
 */
public final class Exposition {
    public static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** What a family measures: a value that goes up and down, one that only goes up, or facts as labels. */
    public enum Type { GAUGE, COUNTER, INFO }

    private final StringBuilder out = new StringBuilder(4096);
    private final boolean openMetrics;

    public Exposition(boolean openMetrics) {
        this.openMetrics = openMetrics;
    }

    /** Whether an Accept header asks for OpenMetrics. */
    public static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.contains("application/openmetrics-text");
    }

    /**
     * Starts a family of samples named {@code name}: a counter's name ends with {@code _total}, an info's
     * with {@code _info}.
     */
    public Exposition family(String name, Type type, String help) {
        String family = name;
        String typeName = type.name().toLowerCase(java.util.Locale.ROOT);
        if (openMetrics && type == Type.COUNTER) family = strip(name, "_total");
        if (openMetrics && type == Type.INFO) family = strip(name, "_info");
        if (!openMetrics && type == Type.INFO) typeName = "gauge";
        out.append("# HELP ").append(family).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') out.append("\\\\");
            else if (c == '\n') out.append("\\n");
            else out.append(c);
        }
        out.append('\n').append("# TYPE ").append(family).append(' ').append(typeName).append('\n');
        return this;
    }

    private static String strip(String name, String suffix) {
        if (!name.endsWith(suffix)) throw new IllegalArgumentException(name + " must end with " + suffix);
        return name.substring(0, name.length() - suffix.length());
    }

    /** One sample; {@code labels} are names and values in turn. */
    public Exposition sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
        number(value);
        out.append('\n');
        return this;
    }

    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private void number(double v) {
        if (Double.isNaN(v)) out.append("NaN");
        else if (Double.isInfinite(v)) out.append(v > 0 ? "+Inf" : "-Inf");
        else if (v == Math.rint(v) && Math.abs(v) < 1e15) out.append((long) v);
        else out.append(java.math.BigDecimal.valueOf(v).toPlainString());
    }

    /** The whole text. */
    public String finish() {
        if (openMetrics) out.append("# EOF\n");
        return out.toString();
    }
}
