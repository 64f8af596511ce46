package pm.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Durations written {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} (a bare number is seconds) and sizes {@code 10M}, {@code 1G}. */
public final class Units {
    private Units() {}

    /** In a holder: compiling it costs about half a millisecond that pm status, which only formats, need not pay. */
    private static final class Syntax {
        static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m|h)?");
    }

    public static Duration parseDuration(String text) {
        var m = Syntax.DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw PmException.invalid("bad duration '" + text + "': write it like 500ms, 5s, 2m or 1h");
        double amount = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    public static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long factor = 1;
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (unit) {
            case 'K' -> factor = 1L << 10;
            case 'M' -> factor = 1L << 20;
            case 'G' -> factor = 1L << 30;
            default -> { }
        }
        String digits = factor == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw PmException.invalid("bad size '" + text + "': write it like 512K, 10M or 1G");
        }
    }

    /** A compact human size: 0B, 912K, 14.2M, 1.3G. */
    public static String formatSize(long bytes) {
        if (bytes < 1024) return bytes + "B";
        if (bytes < 1L << 20) return bytes / 1024 + "K";
        if (bytes < 1L << 30) return oneDecimal(bytes / (double) (1L << 20)) + "M";
        return oneDecimal(bytes / (double) (1L << 30)) + "G";
    }

    /**
     * {@code v} with one decimal, exactly as {@code String.format(Locale.ROOT, "%.1f", v)} prints it: both
     * round the shortest decimal form of {@code v} half up. Written out because the first use of
     * {@link java.util.Formatter} costs {@code pm status} about 5 ms (locale data, the format parser).
     */
    public static String oneDecimal(double v) {
        String s = Double.toString(v);
        int dot = s.indexOf('.');
        // Negative, not finite or in E notation (below 0.001 or from 10^7 on): rare here, let the Formatter do it.
        if (!(v >= 0) || dot < 0 || s.indexOf('E') >= 0) return String.format(Locale.ROOT, "%.1f", v);
        if (s.length() == dot + 2) return s;
        long tenths = Long.parseLong(s, 0, dot, 10) * 10 + (s.charAt(dot + 1) - '0');
        if (s.charAt(dot + 2) >= '5') tenths++;
        return tenths / 10 + "." + tenths % 10;
    }

    /** A compact uptime: 45s, 12m, 3h, 2d. */
    public static String formatAge(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m";
        if (s < 86400) return s / 3600 + "h";
        return s / 86400 + "d";
    }
}
