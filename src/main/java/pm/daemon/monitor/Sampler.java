package pm.daemon.monitor;

import pm.daemon.procfs.ProcFs;
import pm.daemon.procfs.ProcStat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Measures CPU and resident memory per app from {@code /proc}, over the members of its cgroup (its
 * {@code cgroup.procs}) or, for an app tracked by process group, of its group. Cheap by design, because it
 * runs every second for every app (docs/performance.md has the measurements):
 * <ul>
 * <li>each known member's stat file stays open and is re-read with one {@code pread};
 * <li>new members are looked for every 10 samples, every 2 while some member is busy (it may be forking
 *     workers: a process must run to fork), and at once when an app has no known member yet; while
 *     nothing new is found and nothing runs, the period doubles up to 40 samples. A cgroup lists its
 *     members; a process group is found by listing {@code /proc} (a third of the sampler's CPU at rest
 *     before this back-off), where a process found to belong to no app is not read again while it lives
 *     (a pid reused within one rescan period could be missed for that long);
 * <li>a member that used no CPU since its last read is read again only every {@link #QUIET_EVERY}th
 *     sample: without running it uses no CPU, and its memory barely moves (pages are faulted in by
 *     running; shared memory another process touches is the exception).
 * </ul>
 * Not thread-safe: one sampler thread owns it.
 */
final class Sampler {
    static final int CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture pm runs on
    static final long PAGE_SIZE = 4096;
    private static final int RESCAN_EVERY = 10;
    private static final int RESCAN_AT_MOST_EVERY = 40;
    static final int QUIET_EVERY = 5;

    /**
     * What a group used over the last interval, and {@code cpuTicks}, the CPU time its members used since the
     * group was first sampled (each member's whole time at its first read: it ran in this group all along).
     */
    record Usage(double cpuPercent, long rssBytes, int processes, long cpuTicks) {}

    private static final class Member {
        final FileChannel stat;
        /** The app's key: its leader's pid, which is also its process group's id. */
        final long group;
        /** Its start time when found in a cgroup, which it cannot leave by itself; -1 for a process group's member. */
        final long startTime;
        long ticks = -1;
        long at;
        long rssBytes;
        /** Samples to skip before reading again: set while the member is quiet. */
        int skip;

        Member(FileChannel stat, long group, long startTime) {
            this.stat = stat;
            this.group = group;
            this.startTime = startTime;
        }

        /** Whether this read is still of the member: not a zombie, not a reused pid, not gone from the group. */
        boolean still(ProcStat s) {
            return s != null && s.state() != 'Z' && (startTime >= 0 ? s.startTime() == startTime : s.pgrp() == group);
        }
    }

    /** Per-group totals of one sample, reused, and the group's CPU ticks so far, kept. */
    private static final class Totals {
        double cpu;
        long rss;
        int count;
        long ticks;
    }

    private final Path proc;
    private final Map<Long, Member> members = new HashMap<>();
    /** Processes known to belong to none of the groups, so a rescan need not read them again. */
    private final Set<Long> foreign = new java.util.HashSet<>();
    private final Map<Long, Totals> totals = new HashMap<>();
    private final ByteBuffer buf = ByteBuffer.allocate(1024);
    private int samplesSinceScan = RESCAN_EVERY;
    private int rescanEvery = RESCAN_EVERY;
    /** Whether a member used CPU at the last sample. */
    private boolean anyBusy;
    /** The groups that had a member at the last sample. */
    private final java.util.HashSet<Long> seenGroups = new java.util.HashSet<>();
    /** The pids the cgroups listed at the last scan; reused. */
    private final Set<Long> inCgroups = new java.util.HashSet<>();

    Sampler(Path proc) {
        this.proc = proc;
    }

    /**
     * Samples every member of the apps in {@code groups} (each app's leader pid, to its cgroup's folder, or
     * to "" when its process group holds its processes); returns usage per app.
     */
    Map<Long, Usage> sample(Map<Long, String> groups, long nowNanos) {
        // A group with no known member (a new app) calls for a scan now; otherwise every few samples.
        // A busy app may have forked workers: look for them at the next sample rather than 10 s later.
        boolean unseen = !seenGroups.containsAll(groups.keySet());
        if (unseen || ++samplesSinceScan >= rescanEvery || (anyBusy && samplesSinceScan >= 2)) {
            boolean found = scan(groups);
            samplesSinceScan = 0;
            rescanEvery = found || unseen || anyBusy ? RESCAN_EVERY : Math.min(2 * rescanEvery, RESCAN_AT_MOST_EVERY);
        }
        seenGroups.clear();
        anyBusy = false;
        for (var t : totals.values()) {
            t.cpu = 0;
            t.rss = 0;
            t.count = 0;
        }
        // Each loop's body is a method of its own: the JIT compiles a method called a hundred times a
        // second within seconds, while this one, called once a second, stayed interpreted for minutes
        // (a third of the sampler's CPU at rest in the bench's first minute, perf).
        for (Iterator<Map.Entry<Long, Member>> it = members.entrySet().iterator(); it.hasNext(); ) {
            Member m = it.next().getValue();
            if (!update(m, groups, nowNanos)) {
                close(m.stat);
                it.remove();
            }
        }
        totals.keySet().retainAll(groups.keySet());
        var out = new HashMap<Long, Usage>();
        for (long g : groups.keySet()) out.put(g, usage(g));
        return out;
    }

    /** Reads one member (unless it is quiet) and adds it to its group's totals; false when it is gone. */
    private boolean update(Member m, Map<Long, String> groups, long nowNanos) {
        if (!groups.containsKey(m.group)) return false;
        double percent = 0;
        long used = 0;
        if (m.skip > 0) {
            m.skip--;
        } else {
            ProcStat s = read(m.stat);
            if (!m.still(s)) return false;
            used = m.ticks >= 0 ? Math.max(0, s.cpuTicks() - m.ticks) : s.cpuTicks();
            if (m.ticks >= 0 && nowNanos > m.at) {
                percent = used * 100.0 / CLOCK_TICKS / ((nowNanos - m.at) / 1e9);
                if (used == 0) m.skip = QUIET_EVERY - 1;
                else anyBusy = true;
            }
            m.ticks = s.cpuTicks();
            m.at = nowNanos;
            m.rssBytes = s.rssPages() * PAGE_SIZE;
        }
        seenGroups.add(m.group);
        var t = totals.computeIfAbsent(m.group, g -> new Totals());
        t.cpu += percent;
        t.rss += m.rssBytes;
        t.count++;
        t.ticks += used;
        return true;
    }

    private Usage usage(long group) {
        var t = totals.get(group);
        return t == null ? new Usage(0, 0, 0, 0) : new Usage(t.cpu, t.rss, t.count, t.ticks);
    }

    /**
     * Starts tracking every process of the apps that is not tracked yet, from their cgroups' member lists,
     * and for apps tracked by process group from a listing of /proc; true if any.
     */
    private boolean scan(Map<Long, String> groups) {
        int before = members.size();
        boolean byGroup = false;
        inCgroups.clear();
        for (var g : groups.entrySet()) {
            if (g.getValue().isEmpty()) {
                byGroup = true;
                continue;
            }
            for (long pid : ProcFs.cgroupMembers(Path.of(g.getValue()))) {
                inCgroups.add(pid);
                if (!members.containsKey(pid)) join(pid, g.getKey());
            }
        }
        // A member of a cgroup can only leave it by being moved (by root, by hand): then it is not the app's.
        for (Iterator<Map.Entry<Long, Member>> it = members.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().startTime >= 0 && !inCgroups.contains(e.getKey())) {
                close(e.getValue().stat);
                it.remove();
            }
        }
        if (byGroup) {
            var listed = new java.util.HashSet<Long>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
                for (Path p : dir) consider(p, groups, listed); // a method, so it is compiled soon (see sample)
            } catch (IOException e) {
                // /proc unreadable: report nothing rather than fail
            }
            foreign.retainAll(listed);
        }
        return members.size() > before;
    }

    /** A process its cgroup lists: tracked from now on, known by its start time. */
    private void join(long pid, long group) {
        FileChannel ch;
        try {
            ch = FileChannel.open(proc.resolve(Long.toString(pid)).resolve("stat"), StandardOpenOption.READ);
        } catch (IOException gone) {
            return;
        }
        ProcStat s = read(ch);
        if (s == null || s.state() == 'Z') {
            close(ch);
            return;
        }
        members.put(pid, new Member(ch, group, s.startTime()));
        seenGroups.add(group);
    }

    /** One entry of /proc: a process not seen before is read once, and tracked if it is in an app's process group. */
    private void consider(Path p, Map<Long, String> groups, Set<Long> listed) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) return;
        long pid = Long.parseLong(name);
        listed.add(pid);
        if (members.containsKey(pid) || foreign.contains(pid)) return;
        FileChannel ch;
        try {
            ch = FileChannel.open(p.resolve("stat"), StandardOpenOption.READ);
        } catch (IOException gone) {
            return;
        }
        ProcStat s = read(ch);
        // Only apps tracked by process group: a cgroup's members are found in its list.
        if (s != null && "".equals(groups.get(s.pgrp()))) {
            members.put(pid, new Member(ch, s.pgrp(), -1));
            seenGroups.add(s.pgrp());
        } else {
            close(ch);
            if (s != null) foreign.add(pid);
        }
    }

    private ProcStat read(FileChannel ch) {
        buf.clear();
        try {
            int n = ch.read(buf, 0);
            if (n <= 0) return null;
        } catch (IOException exited) {
            return null; // ESRCH: the process this file belonged to is gone
        }
        buf.flip();
        return ProcStat.parse(buf);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Whether a member used CPU at the last sample. */
    boolean busy() {
        return anyBusy;
    }

    /** Has the next sample read every member, quiet ones too, so that all its figures are new. */
    void readAllNext() {
        for (var m : members.values()) m.skip = 0;
    }

    /** Forgets everything (closes every file). */
    void clear() {
        for (var m : members.values()) close(m.stat);
        members.clear();
        foreign.clear();
        totals.clear();
    }
}
