package pm.daemon.procfs;

import pm.core.Home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a run is marked so that a daemon can find it in {@code /proc} with nothing else to go on: every app
 * gets {@code PM_RUN_ID=SERIAL:ID:COPY:HOME} in its environment (a serial of 16 hex digits that grows
 * with every spawn, the app's id, which copy of the app it is, the home's real path). A daemon killed
 * between a spawn and writing the run file, or a run file lost, leaves the next daemon that mark to find
 * the run by, and adopt it instead of starting the copy a second time. A mark without the copy
 * ({@code SERIAL:ID:HOME}, as runs started by an older pm carry) is copy 0's.
 *
 * @param home the home's real path, as the mark names it
 */
public record RunMark(String home) {
    public static final String VARIABLE = "PM_RUN_ID";
    private static final byte[] PREFIX = (VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECRET = "PM_HEARTBEAT_SECRET=".getBytes(StandardCharsets.US_ASCII);
    private static final Path PROC = Path.of("/proc");

    /**
     * A group leader that carries this home's mark: its pid and start time, the run's serial, the app's
     * id and the copy's number, the heartbeat secret it was given, and its cgroup as
     * {@code /proc/PID/cgroup} names it (relative to the cgroup2 mount; "" when unknown).
     */
    public record Found(long pid, long startTime, long serial, int app, int copy, String secret, String cgroup) {
        /** Its copy's key ({@link #key}). */
        public long key() {
            return RunMark.key(app, copy);
        }
    }

    /** One copy of one app as a number, for maps keyed by copy: the app's id and the copy's number. */
    public static long key(int app, int copy) {
        return (long) app << 32 | copy;
    }

    public static RunMark of(Home home) {
        Path dir = home.dir().toAbsolutePath().normalize();
        try {
            dir = dir.toRealPath();
        } catch (IOException e) {
            // not there yet: the path as given, the same for every daemon of this home
        }
        return new RunMark(dir.toString());
    }

    /**
     * The variable's value for a run; its serial part is always 16 characters, so a copy's value is as
     * long for every run and can be rewritten in place.
     */
    public static String value(long serial, int app, int copy, String home) {
        return serial(serial) + ":" + app + ":" + copy + ":" + home;
    }

    /** The serial as the mark writes it: 16 hex digits. */
    public static String serial(long serial) {
        String hex = Long.toHexString(serial);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /**
     * Every live process group leader in {@code /proc} that carries this home's mark. Reads the environment
     * of group leaders only (a run's leader leads its group): one pass, made only when a daemon starts and
     * some app has no run on record.
     */
    public List<Found> scan() {
        var out = new ArrayList<Found>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid = Long.parseLong(name);
                var stat = ProcFs.stat(pid);
                if (stat.isEmpty() || stat.get().pgrp() != pid || stat.get().state() == 'Z') continue;
                Found found = read(pid, stat.get().startTime(), p);
                if (found != null) out.add(found);
            }
        } catch (IOException e) {
            // what was found so far
        }
        return out;
    }

    private Found read(long pid, long startTime, Path proc) {
        byte[] env;
        try {
            env = Files.readAllBytes(proc.resolve("environ"));
        } catch (IOException | SecurityException gone) {
            return null; // ended, or another user's
        }
        String mark = entry(env, PREFIX);
        if (mark == null) return null;
        String secret = entry(env, SECRET);
        var found = parse(pid, startTime, mark, secret == null ? "" : secret);
        return found == null ? null : new Found(pid, startTime, found.serial(), found.app(), found.copy(), found.secret(), cgroup(proc));
    }

    /** The run a mark names, with no cgroup; null when it is not one of this home's or not a mark. */
    Found parse(long pid, long startTime, String mark, String secret) {
        int first = mark.indexOf(':'), second = mark.indexOf(':', first + 1);
        if (first != 16 || second < 0) return null;
        // The home is an absolute path: where one starts right after the app's id, the mark has no copy.
        int third = mark.startsWith("/", second + 1) ? second : mark.indexOf(':', second + 1);
        if (third < 0 || !mark.substring(third + 1).equals(home)) return null;
        try {
            long serial = Long.parseUnsignedLong(mark.substring(0, first), 16);
            int app = Integer.parseInt(mark.substring(first + 1, second));
            int copy = third == second ? 0 : Integer.parseInt(mark.substring(second + 1, third));
            return new Found(pid, startTime, serial, app, copy, secret, "");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The value of the NUL-separated entry that starts with {@code prefix}, or null. */
    static String entry(byte[] env, byte[] prefix) {
        for (int at = 0; at < env.length; ) {
            int end = at;
            while (end < env.length && env[end] != 0) end++;
            if (end - at >= prefix.length && java.util.Arrays.equals(env, at, at + prefix.length, prefix, 0, prefix.length))
                return new String(env, at + prefix.length, end - at - prefix.length, StandardCharsets.UTF_8);
            at = end + 1;
        }
        return null;
    }

    /** The process's cgroup v2 path ("0::/a/b" gives "/a/b"), or "". */
    private static String cgroup(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("cgroup"))) if (line.startsWith("0::")) return line.substring(3);
        } catch (IOException gone) {
            // none
        }
        return "";
    }

    /**
     * The run to adopt for each copy of each app, by its {@link #key}: of the marked leaders whose serial no
     * known run has (the run file accounts for those), the newest run's, and of its leaders the first
     * started (a process the app started in a session of its own is a group leader too, and carries the
     * same mark).
     */
    public static Map<Long, Found> newest(List<Found> found, Set<Long> known) {
        var best = new HashMap<Long, Found>();
        Comparator<Found> order = Comparator.comparingLong(Found::serial).reversed()
                .thenComparingLong(Found::startTime).thenComparingLong(Found::pid);
        for (var f : found) {
            if (known.contains(f.serial())) continue;
            best.merge(f.key(), f, (a, b) -> order.compare(a, b) <= 0 ? a : b);
        }
        return best;
    }
}
