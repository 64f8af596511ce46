package pm.logs;

import pm.core.PmException;
import pm.core.Units;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time a log line begins with, when it begins with one, and the times {@code --since} takes. pm adds
 * no timestamps (an app's bytes are kept as written), so this reads the app's own: at the start of a
 * line, or after a {@code [}, {@code 2026-12-06T10:11:12}, {@code 2026-12-06 10:11:12,345} (Python's
 * logging), {@code 2026-12-06 10:11:12.345Z}, {@code 2026-12-06T10:11:12+01:00}, {@code 2026/12/06
 * 10:11:12} (Go's log), and the same to the minute. Without a zone, local time. Written by hand: a
 * {@code DateTimeFormatter} per format would cost more than the scan it serves.
 */
public final class Stamps {
    private Stamps() {}

    /** No time. */
    public static final long NONE = Long.MIN_VALUE;

    /** The time (epoch milliseconds) {@code b[off, off + len)} begins with, or {@link #NONE}. */
    public static long at(byte[] b, int off, int len) {
        int end = off + len;
        if (off < end && b[off] == '[') off++;
        if (end - off < 16 || !digit(b[off])) return NONE;
        var p = new int[]{off};
        int year = number(b, p, 4, end);
        char sep = (char) b[p[0]];
        if (year < 0 || (sep != '-' && sep != '/') || !skip(b, p, sep, end)) return NONE;
        int month = number(b, p, 2, end);
        if (month < 0 || !skip(b, p, sep, end)) return NONE;
        int day = number(b, p, 2, end);
        if (day < 0 || p[0] >= end || (b[p[0]] != 'T' && b[p[0]] != ' ')) return NONE;
        p[0]++;
        return clock(b, p, end, year, month, day);
    }

    /** The time of day after the date, the fraction of a second and the zone; {@link #NONE} if it is not one. */
    private static long clock(byte[] b, int[] p, int end, int year, int month, int day) {
        int hour = number(b, p, 2, end);
        if (hour < 0 || !skip(b, p, ':', end)) return NONE;
        int minute = number(b, p, 2, end);
        if (minute < 0) return NONE;
        int second = 0, millis = 0;
        if (skip(b, p, ':', end)) {
            second = number(b, p, 2, end);
            if (second < 0) return NONE;
            if (p[0] < end && (b[p[0]] == '.' || b[p[0]] == ',')) {
                p[0]++;
                for (int scale = 100; p[0] < end && digit(b[p[0]]); p[0]++, scale /= 10) millis += (b[p[0]] - '0') * scale;
            }
        }
        try {
            var local = LocalDateTime.of(year, month, day, hour, minute, Math.min(second, 59), millis * 1_000_000);
            return local.toInstant(zone(b, p, end, local)).toEpochMilli();
        } catch (DateTimeException e) {
            return NONE;
        }
    }

    /** {@code Z}, {@code +01:00} or {@code -0500} after the time, else the local zone's offset then. */
    private static ZoneOffset zone(byte[] b, int[] p, int end, LocalDateTime local) {
        if (p[0] < end && b[p[0]] == 'Z') return ZoneOffset.UTC;
        if (p[0] < end && (b[p[0]] == '+' || b[p[0]] == '-')) {
            int sign = b[p[0]] == '-' ? -1 : 1;
            p[0]++;
            int hours = number(b, p, 2, end);
            skip(b, p, ':', end);
            int minutes = number(b, p, 2, end);
            if (hours >= 0) return ZoneOffset.ofTotalSeconds(sign * (hours * 3600 + Math.max(minutes, 0) * 60));
        }
        return ZoneId.systemDefault().getRules().getOffset(local);
    }

    /**
     * What {@code --since} means: a duration back from {@code now} ({@code 30s}, {@code 10m}, {@code 2h},
     * {@code 1d}), a time of day today ({@code 09:30}, {@code 09:30:15}), or a date and time as {@link #at}
     * reads them ({@code 2026-12-06 09:30}); epoch milliseconds.
     */
    public static long since(String text, long now) {
        String t = text.trim();
        byte[] b = t.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long at = at(b, 0, b.length);
        if (at != NONE) return at;
        if (t.length() == 10 && t.charAt(4) == '-') {
            at = at((t + " 00:00:00").getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 19);
            if (at != NONE) return at;
        }
        if (t.length() >= 5 && t.charAt(2) == ':') {
            String day = LocalDate.now().toString();
            byte[] full = (day + " " + t + (t.length() == 5 ? ":00" : "")).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            at = at(full, 0, full.length);
            if (at != NONE && t.length() <= 8) return at;
        }
        try {
            if (t.endsWith("d")) return now - Long.parseLong(t.substring(0, t.length() - 1)) * 86_400_000L;
            if (!t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1))) return now - Units.parseDuration(t).toMillis();
        } catch (NumberFormatException | PmException e) {
            // the message below says what it takes
        }
        throw PmException.invalid("bad --since '" + text + "': write how long ago (30s, 10m, 2h, 1d), a time today (09:30) or a date and time (2026-12-06 09:30)");
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Exactly {@code count} digits at {@code p[0]}, read and passed; -1 if they are not there. */
    private static int number(byte[] b, int[] p, int count, int end) {
        if (p[0] + count > end) return -1;
        int n = 0;
        for (int i = 0; i < count; i++) {
            byte c = b[p[0] + i];
            if (!digit(c)) return -1;
            n = n * 10 + c - '0';
        }
        p[0] += count;
        return n;
    }

    private static boolean skip(byte[] b, int[] p, char c, int end) {
        if (p[0] >= end || b[p[0]] != c) return false;
        p[0]++;
        return true;
    }
}
