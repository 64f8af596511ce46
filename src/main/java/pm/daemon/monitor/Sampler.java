package pm.daemon.monitor;

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
 * Measures CPU and resident memory per process group from {@code /proc}. Cheap by design, because it
 * runs every second for every app (docs/performance.md has the measurements):
 * <ul>
 * <li>each known member's stat file stays open and is re-read with one {@code pread};
 * <li>{@code /proc} is listed to find new members every 10 samples, every 2 while some member is busy
 *     (it may be forking workers: a process must run to fork), and at once when an app has no known
 *     member yet; while listings find nothing new and nothing runs, the period doubles up to 40 samples
 *     (listing /proc was a third of the sampler's CPU at rest). A process found to belong to no app is
 *     not read again while it lives (a pid reused within one rescan period could be missed for that long);
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
        final long pgrp;
        long ticks = -1;
        long at;
        long rssBytes;
        /** Samples to skip before reading again: set while the member is quiet. */
        int skip;

        Member(FileChannel stat, long pgrp) {
            this.stat = stat;
            this.pgrp = pgrp;
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

    Sampler(Path proc) {
        this.proc = proc;
    }

    /** Samples every process whose group is one of {@code groups}; returns usage per group. */
    Map<Long, Usage> sample(Set<Long> groups, long nowNanos) {
        // A group with no known member (a new app) calls for a scan now; otherwise every few samples.
        // A busy app may have forked workers: look for them at the next sample rather than 10 s later.
        boolean unseen = !seenGroups.containsAll(groups);
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
        totals.keySet().retainAll(groups);
        var out = new HashMap<Long, Usage>();
        for (long g : groups) out.put(g, usage(g));
        return out;
    }

    /** Reads one member (unless it is quiet) and adds it to its group's totals; false when it is gone. */
    private boolean update(Member m, Set<Long> groups, long nowNanos) {
        if (!groups.contains(m.pgrp)) return false;
        double percent = 0;
        long used = 0;
        if (m.skip > 0) {
            m.skip--;
        } else {
            ProcStat s = read(m.stat);
            if (s == null || s.pgrp() != m.pgrp || s.state() == 'Z') return false;
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
        seenGroups.add(m.pgrp);
        var t = totals.computeIfAbsent(m.pgrp, g -> new Totals());
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

    /** Lists /proc and starts tracking every process in one of the groups that is not tracked yet; true if any. */
    private boolean scan(Set<Long> groups) {
        int before = members.size();
        var listed = new java.util.HashSet<Long>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
            for (Path p : dir) consider(p, groups, listed); // a method, so it is compiled soon (see sample)
        } catch (IOException e) {
            // /proc unreadable: report nothing rather than fail
        }
        foreign.retainAll(listed);
        return members.size() > before;
    }

    /** One entry of /proc: a process not seen before is read once, and tracked if it is in a group. */
    private void consider(Path p, Set<Long> groups, Set<Long> listed) {
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
        if (s != null && groups.contains(s.pgrp())) {
            members.put(pid, new Member(ch, s.pgrp()));
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

    /** Forgets everything (closes every file). */
    void clear() {
        for (var m : members.values()) close(m.stat);
        members.clear();
        foreign.clear();
        totals.clear();
    }
}
