package pm.core;

import java.time.LocalDate;

/**
 * Wall-clock times as status shows them: ISO-8601 in UTC with milliseconds ("2026-11-26T07:05:50.123Z",
 * no fraction for a whole second), exactly as {@code Instant.toString()} writes them. Written by hand:
 * Instant's formatter and parser load about 100 classes of java.time.format and java.util.regex that
 * the daemon would keep in metaspace for good, and that the CLI would load on every start.
 */
public final class UtcTime {
    private UtcTime() {}

    public static String format(long millis) {
        long day = Math.floorDiv(millis, 86_400_000L);
        int ms = (int) Math.floorMod(millis, 86_400_000L);
        var out = new StringBuilder(24).append(LocalDate.ofEpochDay(day)).append('T');
        two(out, ms / 3_600_000).append(':');
        two(out, ms / 60_000 % 60).append(':');
        two(out, ms / 1000 % 60);
        if (ms % 1000 != 0) out.append('.').append((char) ('0' + ms % 1000 / 100)).append((char) ('0' + ms % 100 / 10))
                .append((char) ('0' + ms % 10));
        return out.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /**
     * Reads what {@link #format} writes, for years 0000 to 9999 (a fraction of 1 to 9 digits is cut to
     * milliseconds); throws {@link IllegalArgumentException} for anything else.
     */
    public static long parse(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z')
            throw new IllegalArgumentException("not an ISO-8601 UTC time: " + text);
        int ms = 0;
        if (n > 20) {
            if (text.charAt(19) != '.' || n > 30 || n == 21) throw new IllegalArgumentException("not an ISO-8601 UTC time: " + text);
            String fraction = (text.substring(20, n - 1) + "00").substring(0, 3);
            ms = digits(text, fraction);
            for (int i = 23; i < n - 1; i++) digits(text, String.valueOf(text.charAt(i)));
        }
        int hour = digits(text, text.substring(11, 13)), minute = digits(text, text.substring(14, 16));
        int second = digits(text, text.substring(17, 19));
        if (hour > 23 || minute > 59 || second > 59) throw new IllegalArgumentException("not a time of day: " + text);
        long day;
        try {
            day = LocalDate.of(digits(text, text.substring(0, 4)), digits(text, text.substring(5, 7)),
                    digits(text, text.substring(8, 10))).toEpochDay();
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a date: " + text);
        }
        return day * 86_400_000L + hour * 3_600_000L + minute * 60_000L + second * 1000L + ms;
    }

    private static int digits(String whole, String part) {
        int v = 0;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < '0' || c > '9') throw new IllegalArgumentException("not an ISO-8601 UTC time: " + whole);
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
