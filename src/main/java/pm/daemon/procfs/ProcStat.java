package pm.daemon.procfs;

import java.nio.ByteBuffer;

/**
 * The fields pm needs from one {@code /proc/PID/stat} line, parsed from bytes without building
 * strings: this runs for every process every second, so it allocates one record and nothing else.
 */
public record ProcStat(char state, long pgrp, long cpuTicks, long startTime, long rssPages) {
    /** Parses the line in {@code buf} (position 0 to limit), or returns null if it is not a stat line. */
    public static ProcStat parse(ByteBuffer buf) {
        int end = buf.limit();
        // The command name may hold spaces and parentheses: the fields start after the last ')'.
        int i = end - 1;
        while (i >= 0 && buf.get(i) != ')') i--;
        if (i < 0) return null;
        i += 2; // skip ") "
        char state = (char) buf.get(i);
        long pgrp = 0, ticks = 0, start = 0, rss = 0;
        int field = 3; // the state letter is field 3 (1-based, as in proc(5))
        long value = 0;
        boolean negative = false;
        for (i = i + 1; i <= end; i++) {
            byte b = i < end ? buf.get(i) : (byte) ' ';
            if (b == ' ' || b == '\n') {
                if (field > 3) {
                    long v = negative ? -value : value;
                    switch (field) {
                        case 5 -> pgrp = v;
                        case 14, 15, 16, 17 -> ticks += v; // utime, stime, and reaped children's cutime, cstime
                        case 22 -> start = v;
                        case 24 -> rss = v;
                        default -> { }
                    }
                    if (field == 24) return new ProcStat(state, pgrp, ticks, start, rss);
                }
                field++;
                value = 0;
                negative = false;
            } else if (b == '-') {
                negative = true;
            } else {
                value = value * 10 + (b - '0');
            }
        }
        return null;
    }
}
