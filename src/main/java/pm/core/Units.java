package pm.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Durations written {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} and sizes {@code 512K}, {@code 10M},
 * {@code 1G} (or {@code 100B}). A number needs its unit: PM2 counts milliseconds and bytes where pm
 * would count seconds, so a bare {@code 3000} is refused with both readings rather than guessed; only
 * {@code 0}, the same in every unit, may stand alone. Error messages begin with the value, so a caller
 * can put the flag or key in front ({@code --restart-delay 3000 needs a unit: 3000ms or 3000s?}).
 */
public final class Units {
    private Units() {}

    /** In a holder: compiling it costs about half a millisecond that pm status, which only formats, need not pay. */
    private static final class Syntax {
        static final Pattern DURATION = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m|h)?");
    }

    public static Duration parseDuration(String text) {
        var m = Syntax.DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw PmException.invalid(quoted(text) + " is not a duration: write it like 500ms, 5s, 2m or 1h");
        double amount = Double.parseDouble(m.group(1));
        if (m.group(2) == null && amount != 0) {
            String n = m.group(1);
            throw PmException.invalid(n + " needs a unit: " + n + "ms or " + n + "s?");
        }
        double millis = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> amount * 1000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** The largest unit that writes it exactly, so it parses back to the same duration. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    public static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        boolean bytes = t.endsWith("B");
        if (bytes) t = t.substring(0, t.length() - 1);
        long factor = 1;
        char unit = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        switch (unit) {
            case 'K' -> factor = 1L << 10;
            case 'M' -> factor = 1L << 20;
            case 'G' -> factor = 1L << 30;
            default -> { }
        }
        String digits = factor == 1 ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
            if (n < 0 || digits.startsWith("+")) throw new NumberFormatException();
            n = Math.multiplyExact(n, factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw PmException.invalid(quoted(text) + " is not a size: write it like 512K, 10M or 1G");
        }
        if (n != 0 && factor == 1 && !bytes) throw PmException.invalid(digits + " needs a unit: " + digits + "K or " + digits + "M?");
        return n;
    }

    /** The largest unit that writes it exactly ({@code 200M}, {@code 1536K}, {@code 1000B}), so it parses back. */
    public static String formatSizeExact(long bytes) {
        if (bytes == 0) return "0";
        if (bytes % (1L << 30) == 0) return (bytes >> 30) + "G";
        if (bytes % (1L << 20) == 0) return (bytes >> 20) + "M";
        if (bytes % (1L << 10) == 0) return (bytes >> 10) + "K";
        return bytes + "B";
    }

    private static String quoted(String text) {
        return "'" + text + "'";
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
