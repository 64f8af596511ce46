package pm.daemon.logs;

import pm.core.Home;
import pm.daemon.monitor.Target;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Rotates the running apps' log files past their size limit; {@link #check} runs on the daemon's timer
 * thread, which alone touches this object's maps. Each file is checked at a pace set by how fast it grows:
 * a quiet file every {@link #QUIET_EVERY}th period, a slowly growing one every period, and one that would
 * reach its limit sooner again before it can, as often as every {@link #FASTEST}, so a steady fast writer
 * passes the limit by about what it writes in that time. A file that was slow and suddenly writes fast
 * is only seen at its next check (within a period, or {@link #QUIET_EVERY} periods if it was quiet). Files
 * checked once a period or less are checked together, on the period's tick, so a daemon whose logs are
 * all quiet wakes once every {@link #QUIET_EVERY} periods.
 */
public final class LogKeeper {
    private static final Logger LOG = Logger.getLogger("pm.logs");

    static final int QUIET_EVERY = 5;
    /** The shortest time between two checks of one file: what a fast writer's overshoot is made of. */
    static final long FASTEST = 20_000_000;
    /** A file due this close is checked now: the timer runs chores this early. */
    private static final long SLACK = 50_000_000;

    private final Home home;
    private final Supplier<List<Target>> targets;
    private final long period;
    /** The two log paths of each app, built once. */
    private final java.util.Map<String, Path[]> paths = new java.util.HashMap<>();
    /** Open read descriptors of the live log files, by path. */
    private final java.util.Map<Path, Watched> open = new java.util.HashMap<>();
    /** The list of runs at the last check. */
    private List<Target> seen = List.of();
    /** The next period's tick (System.nanoTime). */
    private long tick;
    /** The earliest check due before the next tick; a pass sets it. */
    private long soonest;

    public LogKeeper(Home home, Supplier<List<Target>> targets, long periodNanos) {
        this.home = home;
        this.targets = targets;
        this.period = periodNanos;
        this.tick = System.nanoTime();
    }

    /** Checks the running apps' log files that are due; returns the nanoseconds until the next check is. */
    public long check() {
        long now = System.nanoTime();
        while (tick - now <= SLACK) tick += period;
        // At rest every file is quiet: the next wake is then QUIET_EVERY periods away, not one.
        soonest = tick + (QUIET_EVERY - 1) * period;
        List<Target> current = targets.get();
        // The engine publishes a new list when runs change: only then forget the files of stopped apps.
        if (current != seen) {
            forgetAllBut(current);
            seen = current;
        }
        // A method per app, not a loop body here: this runs once a period at rest and stays interpreted.
        for (Target t : current) check(t, now);
        return Math.max(0, soonest - now);
    }

    private void check(Target t, long now) {
        if (t.logs().maxSize() <= 0) return;
        for (Path file : paths(t.name())) check(file, t.logs().maxSize(), t.logs().keep(), now);
    }

    private Path[] paths(String name) {
        return paths.computeIfAbsent(name, n -> new Path[]{home.outLog(n), home.errLog(n)});
    }

    private void forgetAllBut(List<Target> current) {
        var live = new java.util.HashSet<Path>();
        for (Target t : current) live.addAll(List.of(paths(t.name())));
        open.entrySet().removeIf(e -> {
            if (live.contains(e.getKey())) return false;
            close(e.getValue().channel);
            return true;
        });
    }

    /** A live log file being watched: its open descriptor, its size and time at the last check, when it is due. */
    private static final class Watched {
        final FileChannel channel;
        long size;
        long checkedAt;
        long due;

        Watched(FileChannel channel, long now) {
            this.channel = channel;
            this.checkedAt = now;
            this.due = now;
        }
    }

    /**
     * Checks one file's size, if due, with an fstat on a descriptor kept open (cheaper than a stat by path;
     * rotation cuts the same file, so the descriptor stays right), rotates it past the limit, and sets
     * when it is due next.
     */
    private void check(Path file, long limit, int keep, long now) {
        try {
            Watched w = open.get(file);
            if (w == null) {
                if (!Files.exists(file)) {
                    soonest = Math.min(soonest, tick);
                    return;
                }
                w = new Watched(FileChannel.open(file, StandardOpenOption.READ), now);
                open.put(file, w);
            }
            if (w.due - now > SLACK) {
                soonest = Math.min(soonest, w.due);
                return;
            }
            long size = w.channel.size();
            long grown = size - w.size, elapsed = now - w.checkedAt;
            w.checkedAt = now;
            w.size = size;
            if (size > limit) {
                var outcome = Rotator.rotate(file, keep);
                // What it writes while the front is copied stays in the file: measure its rate from here.
                w.size = w.channel.size();
                w.checkedAt = now = System.nanoTime();
                if (outcome == Rotator.Outcome.COPY_TRUNCATE)
                    LOG.warning("rotated " + file + " by copy and truncate (this file system cannot collapse a range; a few bytes may be lost)");
            }
            w.due = due(now, grown, elapsed, limit - w.size);
            soonest = Math.min(soonest, w.due);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot rotate " + file + ": " + e.getMessage());
            var w = open.remove(file);
            if (w != null) close(w.channel);
        }
    }

    /**
     * When a file is due next. Growing at the rate it grew since its last check, it is checked again once
     * half its headroom is used, so checks come closer as it nears the limit and the last one before it
     * passes is at most {@link #FASTEST} before. Its pace slackens by at most half per check (a new app,
     * first seen before it writes, must not be taken for a quiet one): a file first seen is checked again
     * after {@link #FASTEST}, then 2, 4, 8 times that while it stays slow, until its checks fall on the
     * period's ticks: every tick while it grows, every {@link #QUIET_EVERY}th once it does not.
     */
    private long due(long now, long grown, long elapsed, long headroom) {
        if (elapsed <= 0) return now + FASTEST;
        double next = 2.0 * elapsed;
        if (grown > 0) next = Math.min(next, headroom / 2.0 * elapsed / grown);
        if (next < period - SLACK) return now + (long) Math.max(FASTEST, next);
        return grown == 0 ? tick + (QUIET_EVERY - 1) * period : tick;
    }

    private static void close(FileChannel ch) {
        try {
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
