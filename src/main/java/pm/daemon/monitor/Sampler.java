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
 * runs every second for every app: it keeps each known member's stat file open and re-reads it with one
 * {@code pread}, and lists {@code /proc} to find new members only every few samples or when an app
 * has no known member yet. Not thread-safe: one sampler thread owns it.
 */
final class Sampler {
    static final int CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture pm runs on
    static final long PAGE_SIZE = 4096;
    private static final int RESCAN_EVERY = 10;

    /** What a group used over the last interval. */
    record Usage(double cpuPercent, long rssBytes, int processes) {}

    private static final class Member {
        final FileChannel stat;
        final long pgrp;
        long ticks = -1;
        long at;

        Member(FileChannel stat, long pgrp) {
            this.stat = stat;
            this.pgrp = pgrp;
        }
    }

    private final Path proc;
    private final Map<Long, Member> members = new HashMap<>();
    private final ByteBuffer buf = ByteBuffer.allocate(1024);
    private int samplesSinceScan = RESCAN_EVERY;

    Sampler(Path proc) {
        this.proc = proc;
    }

    /** Samples every process whose group is one of {@code groups}; returns usage per group. */
    Map<Long, Usage> sample(Set<Long> groups, long nowNanos) {
        boolean unseen = false;
        var seenGroups = new java.util.HashSet<Long>();
        for (var m : members.values()) seenGroups.add(m.pgrp);
        for (long g : groups) if (!seenGroups.contains(g)) unseen = true;
        if (unseen || ++samplesSinceScan >= RESCAN_EVERY) {
            scan(groups);
            samplesSinceScan = 0;
        }
        var cpu = new HashMap<Long, Double>();
        var rss = new HashMap<Long, Long>();
        var count = new HashMap<Long, Integer>();
        for (Iterator<Map.Entry<Long, Member>> it = members.entrySet().iterator(); it.hasNext(); ) {
            Member m = it.next().getValue();
            ProcStat s = read(m.stat);
            if (s == null || s.pgrp() != m.pgrp || !groups.contains(m.pgrp) || s.state() == 'Z') {
                close(m.stat);
                it.remove();
                continue;
            }
            double percent = 0;
            if (m.ticks >= 0 && nowNanos > m.at) {
                double seconds = (nowNanos - m.at) / 1e9;
                percent = Math.max(0, (s.cpuTicks() - m.ticks)) * 100.0 / CLOCK_TICKS / seconds;
            }
            m.ticks = s.cpuTicks();
            m.at = nowNanos;
            cpu.merge(m.pgrp, percent, Double::sum);
            rss.merge(m.pgrp, s.rssPages() * PAGE_SIZE, Long::sum);
            count.merge(m.pgrp, 1, Integer::sum);
        }
        var out = new HashMap<Long, Usage>();
        for (long g : groups) out.put(g, new Usage(cpu.getOrDefault(g, 0.0), rss.getOrDefault(g, 0L), count.getOrDefault(g, 0)));
        return out;
    }

    /** Lists /proc and starts tracking every process in one of the groups that is not tracked yet. */
    private void scan(Set<Long> groups) {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid = Long.parseLong(name);
                if (members.containsKey(pid)) continue;
                FileChannel ch;
                try {
                    ch = FileChannel.open(p.resolve("stat"), StandardOpenOption.READ);
                } catch (IOException gone) {
                    continue;
                }
                ProcStat s = read(ch);
                if (s != null && groups.contains(s.pgrp())) members.put(pid, new Member(ch, s.pgrp()));
                else close(ch);
            }
        } catch (IOException e) {
            // /proc unreadable: report nothing rather than fail
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
    }
}
