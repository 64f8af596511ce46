package pm.daemon.procfs;

import java.nio.ByteBuffer;

/**
 * The fields pm needs from one {@code /proc/PID/stat} line, parsed from bytes without building
 * strings: this runs for every process every second, so it allocates one record and nothing else.
 */
public record ProcStat(char state, long pgrp, long cpuTicks, long startTime, long rssPages) {
    /** Parses the line in {@code buf} (position 0 to limit), or returns null if it is not a stat line. */
    public static ProcStat parse(ByteBuffer buf) {
        if (buf.hasArray()) return parse(buf.array(), buf.arrayOffset(), buf.limit());
        byte[] copy = new byte[buf.limit()];
        buf.get(0, copy);
        return parse(copy, 0, copy.length);
    }

    /** Parses {@code a[from, to)}; reads up to field 24 and no further. */
    static ProcStat parse(byte[] a, int from, int to) {
        // The command name may hold spaces and parentheses, so the fields start after the last ')'. The
        // name is at most 15 bytes, so that ')' is within the first 32 bytes: no need to scan the whole line.
        int i = Math.min(to, from + 32) - 1;
        while (i >= from && a[i] != ')') i--;
        if (i < from || i + 2 >= to) return null;
        i += 2; // skip ") "
        char state = (char) a[i];
        long pgrp = 0, ticks = 0, start = 0;
        int field = 3; // the state letter is field 3 (1-based, as in proc(5))
        long value = 0;
        boolean negative = false;
        for (i = i + 1; i < to; i++) {
            byte b = a[i];
            if (b == ' ' || b == '\n') {
                if (field > 3) {
                    long v = negative ? -value : value;
                    switch (field) {
                        case 5 -> pgrp = v;
                        // utime and stime only: a child is counted while it runs, as a member of the group;
                        // adding cutime and cstime would count it again once its parent reaps it.
                        case 14, 15 -> ticks += v;
                        case 22 -> start = v;
                        case 24 -> {
                            return new ProcStat(state, pgrp, ticks, start, v);
                        }
                        default -> { }
                    }
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
