package pm.daemon.controller;

import pm.core.Home;
import pm.core.Signals;
import pm.daemon.procfs.ProcFs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import static pm.daemon.controller.CgroupSubtree.mkdir;
import static pm.daemon.controller.CgroupSubtree.why;

/**
 * Puts each run of an app in a cgroup of its own where the system allows it: a cgroup v2 hierarchy (also
 * the unified one of a hybrid mount) and pm running as root or in a delegated subtree. There every
 * descendant of an app is tracked, even one that left its session ({@code setsid}, a daemonizing double
 * fork), so a stop reaches it. Elsewhere, or with {@code PM_CGROUPS=off}, apps are tracked by process
 * group alone, and daemon.log says so once.
 *
 * <p>The layout, under the daemon's own cgroup: {@code pm-HASH/} for this PM_HOME (a hash of its real
 * path, so two homes never share one), holding one cgroup per run, {@code NAME:N} (kept for the app's
 * next run when it is left empty), and {@code daemon-PID}, where the daemon itself lives while it runs.
 *
 * <p>Why the daemon moves into a cgroup of its own: before glibc 2.39 ({@code posix_spawnattr_setcgroup_np},
 * which spawns with clone3 and CLONE_INTO_CGROUP) a child cannot be born in its cgroup, so it is moved in
 * right after {@code posix_spawn} returns, when it has already exec'd. Unless another move came just
 * before, the kernel makes that move wait for an RCU grace period (10 to 15 ms here), and what the app
 * forks meanwhile is born in the daemon's cgroup: in one of pm's own, nothing gets lost there, and it is
 * swept into the app's cgroup right after the move. Where glibc can, the child is born in its cgroup.
 *
 * <p>The engine thread's, except {@link #leave} (at the daemon's exit, from any thread), hence the locks.
 */
public final class Cgroups {
    private static final Logger LOG = Logger.getLogger("pm.cgroups");
    private static final long TIDY_FIRST = 20_000_000L, TIDY_MOST = 5_000_000_000L;
    /** As long as the run file waits after a restart (Engine.AFTER_RESTART), for the same reason. */
    static final long MOVE_AFTER_RESTART = 5_000_000L;

    /** The cgroup2 mount, the daemon's own cgroup in it, and this home's subtree; null when tracking by process group. */
    private final Path mount, base, root;
    /** The daemon's cgroup, where children are born; null where they are born in their own. */
    private final Cgroup nursery;
    private final long self, selfGroup;
    /** Runs whose move into their cgroup is put off ({@link #enter}). Engine thread. */
    private final List<Cgroup> moving = new ArrayList<>();
    /** Runs whose leader has ended, to remove once they are empty. Guarded by this. */
    private final List<Cgroup> ended = new ArrayList<>();
    /**
     * Ended runs' cgroups found empty, by copy of an app ({@code RunMark.key}: copies share their app's id),
     * kept for the copy's next run until it settles ({@link #forget}): a restart then makes no folder and
     * removes none. Guarded by this.
     */
    private final Map<Long, Cgroup> vacant = new HashMap<>();
    private long tidyAt, tidyEvery = TIDY_FIRST;
    /** Cgroups of adopted runs, which {@link #clearStale} leaves alone. */
    private final Set<Path> claimed = new HashSet<>();
    private final MemorySegment callState = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());
    /** Where {@code cgroup.events} is read. */
    private final ByteBuffer scratch = ByteBuffer.allocate(64);
    private int made;
    private boolean warned, left;

    private Cgroups(Path mount, Path base, Path root, Cgroup nursery) {
        this.mount = mount;
        this.base = base;
        this.root = root;
        this.nursery = nursery;
        this.self = ProcessHandle.current().pid();
        var stat = ProcFs.stat(self);
        this.selfGroup = stat.isPresent() ? stat.get().pgrp() : self;
    }

    /** Tracking by process group alone, with no word in daemon.log (tests of the controller). */
    public static Cgroups off() {
        return new Cgroups(null, null, null, null);
    }

    /**
     * Finds where this daemon may make cgroups and makes its subtree, moving the daemon into it; where it
     * cannot, says why in daemon.log and tracks apps by process group.
     */
    public static Cgroups find(Home home) {
        String setting = System.getenv("PM_CGROUPS");
        // Said on stderr (daemon.log), not through java.util.logging: its first record loads the locale data
        // and java.util.Formatter, about 200 classes (2.8 MiB at rest) the daemon needs nowhere else.
        if ("off".equals(setting)) {
            System.err.println("pm daemon: PM_CGROUPS=off: apps are tracked by process group");
            return off();
        }
        if (setting != null && !setting.isEmpty()) System.err.println("pm daemon: PM_CGROUPS=" + setting + " is not 'off'; ignored");
        CgroupSubtree where = null;
        Path nursery = null;
        boolean madeRoot = false;
        try {
            where = CgroupSubtree.locate(home.dir().toRealPath());
            madeRoot = mkdir(where.root());
            if (!Posix.canSpawnIntoCgroup()) {
                nursery = where.root().resolve("daemon-" + ProcessHandle.current().pid());
                mkdir(nursery);
                new Cgroup(nursery).enter(ProcessHandle.current().pid());
            }
            System.err.println("pm daemon: apps are tracked by cgroup, in " + where.root());
            return new Cgroups(where.mount(), where.base(), where.root(), nursery == null ? null : new Cgroup(nursery));
        } catch (IOException | IllegalStateException e) {
            if (nursery != null) new Cgroup(nursery).remove();
            if (madeRoot) new Cgroup(where.root()).remove();
            String why = e instanceof IOException io ? why(io) : e.getMessage();
            System.err.println("pm daemon: cgroups are not usable (" + why + "): apps are tracked by process group, so a"
                    + " process that leaves its app's group (setsid, a double fork) is not stopped with it");
            return off();
        }
    }

    /**
     * An empty cgroup for a run of a copy of an app (the copy's key and name), made before its spawn, or
     * its last run's if that one is empty; null when apps are tracked by process group.
     */
    synchronized Cgroup make(long copy, String app) {
        if (root == null) return null;
        var kept = vacant.remove(copy);
        if (kept != null) return kept;
        try {
            while (true) {
                var cg = new Cgroup(root.resolve(app + ":" + ++made), copy);
                if (mkdir(cg.dir())) return cg; // taken: a run an earlier daemon started
            }
        } catch (IOException e) {
            warnOnce("cannot make a cgroup for " + app + " (" + why(e) + ")");
            return null;
        }
    }

    /** The copy settled or is gone: the cgroup kept for its next run is removed. */
    synchronized void forget(long copy) {
        var kept = vacant.remove(copy);
        if (kept != null && !kept.remove()) ended(kept);
    }

    /**
     * The run's leader was just spawned: moves it into its cgroup (unless it was born there), then sweeps
     * in what it forked meanwhile (see the class comment). After an automatic restart the move waits
     * {@link #MOVE_AFTER_RESTART}, or until the run is signalled or checked ({@link #settle}): it is the
     * engine's longest step, and nothing it does should compete with the app as it starts; what the app
     * forks meanwhile waits in the daemon's cgroup, to be swept in with it.
     */
    void enter(Cgroup cg, long leader, boolean bornInside, boolean restart) {
        if (cg == null) return;
        cg.watch();
        if (bornInside) return;
        if (restart && nursery != null) {
            cg.awaitMove(leader, System.nanoTime() + MOVE_AFTER_RESTART);
            synchronized (this) {
                moving.add(cg);
            }
            return;
        }
        move(cg, leader);
    }

    /** Makes a move that was put off now: before its run is signalled, checked, or listed. */
    synchronized void settle(Cgroup cg) {
        long leader = cg.takeMove();
        if (leader == 0) return;
        moving.remove(cg);
        move(cg, leader);
    }

    private void move(Cgroup cg, long leader) {
        // A leader that ended first (a crash within the wait) leaves only its children to sweep: no write
        // for it, each write may wait for the kernel. One that is there but will not move leaves its run
        // tracked by process group.
        if (isLive(leader)) {
            try {
                cg.enter(leader);
            } catch (IOException e) {
                if (isLive(leader)) {
                    warnOnce("cannot move pid " + leader + " into " + cg.dir() + " (" + why(e) + ")");
                    cg.failed();
                    return;
                }
            }
        }
        if (nursery != null) nursery.sweepInto(cg, self, selfGroup);
    }

    private static boolean isLive(long pid) {
        var stat = ProcFs.stat(pid);
        return stat.isPresent() && stat.get().state() != 'Z';
    }

    /** The cgroup's folder opened for a spawn straight into it, where glibc can; else -1 (then it is moved in after). */
    int openForSpawn(Cgroup cg) {
        if (cg == null || !Posix.canSpawnIntoCgroup()) return -1;
        try {
            return cg.openFolder();
        } catch (IOException e) {
            warnOnce(e.getMessage());
            return -1;
        }
    }

    /** A spawn that failed leaves no cgroup behind. */
    void discard(Cgroup cg) {
        if (cg != null) cg.remove();
    }

    /** The cgroup an earlier daemon recorded for a run, if it is one of this home's and still holds the run's leader. */
    Cgroup adopt(String path, long leader) {
        var cg = recorded(path);
        if (cg == null || !cg.members().contains(leader)) return null;
        claimed.add(cg.dir());
        cg.watch();
        return cg;
    }

    /** A recorded run whose leader ended while no daemon ran: what it left is killed, as for any run that ends by itself. */
    void abandoned(String path) {
        var cg = recorded(path);
        if (cg == null) return;
        if (populated(cg)) signal(cg, 0, Signals.SIGKILL);
        claimed.add(cg.dir());
        ended(cg);
    }

    private Cgroup recorded(String path) {
        if (root == null || path.isEmpty()) return null;
        Path dir = Path.of(path);
        // Any base will do (the next daemon may start from another cgroup), but only a run's cgroup in a
        // subtree of this home's: not a daemon's own, which may hold other apps' children.
        if (!dir.startsWith(mount) || dir.getParent() == null || !dir.getParent().getFileName().equals(root.getFileName())
                || dir.getFileName().toString().startsWith("daemon-") || !Files.isDirectory(dir)) return null;
        return new Cgroup(dir);
    }

    /** The full path of a cgroup as {@code /proc/PID/cgroup} names it; "" when apps are tracked by process group. */
    String path(String relative) {
        return root == null || relative.isEmpty() ? "" : mount + relative;
    }

    /**
     * Sends the signal to the cgroup's processes ({@link Cgroup#signal}); SIGKILL through {@code cgroup.kill}
     * where the kernel has it.
     */
    void signal(Cgroup cg, long leader, int signal) {
        if (signal != Signals.SIGKILL || !cg.kill()) cg.signal(leader, signal, callState);
    }

    /**
     * Whether any process is left in the cgroup ({@link Cgroup#populated}). An empty one whose run has
     * ended is kept for the app's next run, or removed at the next {@link #tidy}.
     */
    synchronized boolean populated(Cgroup cg) {
        if (cg.populated(scratch)) return true;
        if (ended.remove(cg)) {
            // One per copy: another kept for it would be left behind, never removed.
            if (cg.copy() >= 0 && !left) {
                var before = vacant.put(cg.copy(), cg);
                if (before != null && before != cg) ended.add(before);
            }
            else ended.add(cg);
            tidyAt = 0;
        }
        return false;
    }

    /** The run's leader ended: its cgroup is removed once it is empty (at once when nothing else was in it). */
    synchronized void ended(Cgroup cg) {
        ended.add(cg);
        tidyAt = 0;
        tidyEvery = TIDY_FIRST;
    }

    /**
     * Makes the moves that are due, and removes the ended cgroups that are empty now if a try is due;
     * returns the nanoseconds until the next is due, or {@code Long.MAX_VALUE} when there is nothing left
     * to do: an idle daemon is not woken for this.
     */
    synchronized long tidy(long now) {
        long next = Long.MAX_VALUE;
        for (int i = moving.size() - 1; i >= 0; i--) {
            var cg = moving.get(i);
            if (cg.moveAt() - now <= 0) settle(cg);
            else next = Math.min(next, cg.moveAt() - now);
        }
        return Math.min(next, tidyEnded(now));
    }

    private long tidyEnded(long now) {
        if (ended.isEmpty()) return Long.MAX_VALUE;
        if (now - tidyAt >= 0) {
            ended.removeIf(Cgroup::remove);
            if (ended.isEmpty()) return Long.MAX_VALUE;
            tidyAt = now + tidyEvery;
            tidyEvery = Math.min(2 * tidyEvery, TIDY_MOST); // something in it would not die (a process in D state)
        }
        return tidyAt - now;
    }

    /**
     * At start, once the runs are adopted: removes the empty cgroups an earlier daemon left behind (a
     * {@code kill -9} of it, or its own folder), and names in daemon.log any that still hold processes no
     * run claims (what a run that ended left, or a run whose leader is gone): those are left running.
     */
    public void clearStale() {
        if (root == null) return;
        try (var dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                var cg = new Cgroup(dir);
                if ((nursery != null && dir.equals(nursery.dir())) || claimed.contains(dir) || cg.remove()) continue;
                LOG.warning(dir + " holds processes that no run of this daemon knows of (pids " + cg.members()
                        + "); they are left running");
            }
        } catch (IOException e) {
            LOG.warning("cannot list " + root + ": " + e.getMessage());
        }
        claimed.clear();
    }

    /**
     * At the daemon's exit: the moves put off are made, the daemon moves back to the cgroup it came from,
     * and its own and every empty one are removed (this home's subtree too, when no app is left in it).
     * Any thread; once.
     */
    public synchronized void leave() {
        if (root == null || left) return;
        left = true;
        while (!moving.isEmpty()) settle(moving.getLast());
        ended.removeIf(Cgroup::remove);
        vacant.values().forEach(Cgroup::remove);
        if (nursery != null) {
            try {
                new Cgroup(base).enter(self);
            } catch (IOException e) {
                return; // the next daemon removes it
            }
            nursery.remove();
        }
        new Cgroup(root).remove();
    }

    private void warnOnce(String what) {
        if (warned) return;
        warned = true;
        LOG.warning(what + "; such runs are tracked by process group (said once)");
    }
}
