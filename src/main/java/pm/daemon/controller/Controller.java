package pm.daemon.controller;

import pm.core.ProcessSpec;
import pm.daemon.procfs.ProcFs;
import pm.daemon.procfs.RunMark;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts, adopts, signals and watches apps (DESIGN.md principle 4); it never edits an app or its files.
 * Every app is a process group led by its own pid, so signals go to the whole group; where the system
 * allows, each run is also in a cgroup of its own ({@link Cgroups}), which holds every process it
 * started, also those that left the group, and those get the signals too.
 */
public final class Controller implements Processes {
    /**
     * One run of an app: the app's name, its pid (also its group id), its start time from {@code /proc} (to
     * tell it from a later process that reuses the pid), a pidfd on it, and whether this daemon is its parent.
     */
    public static final class Run implements Processes.Run {
        private final String name;
        private final long pid;
        /** Clock ticks after boot; for a new child, -1 until first asked for. Engine thread. */
        private long startTime;
        private final int pidfd;
        private final boolean child;
        /** Its cgroup, or null when it is tracked by process group. */
        private final Cgroup cgroup;
        /** Its serial, as its mark in the environment names it ({@link RunMark}); 0 for a run recorded without one. */
        private final long serial;
        private boolean closed;

        Run(String name, long pid, long startTime, int pidfd, boolean child, Cgroup cgroup, long serial) {
            this.name = name;
            this.serial = serial;
            this.pid = pid;
            this.startTime = startTime;
            this.pidfd = pidfd;
            this.child = child;
            this.cgroup = cgroup;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long pid() {
            return pid;
        }

        /**
         * When it started, read from {@code /proc} on first ask rather than at the spawn, where it took the
         * CPU from the starting app (0.2 ms). The pid cannot be reused before then: only the engine reaps it.
         */
        @Override
        public long startTime() {
            // Unknown (unreadable /proc) is 0, which no process matches, and is asked again next time.
            if (startTime < 0) startTime = ProcFs.stat(pid).map(s -> s.startTime()).orElse(-1L);
            return Math.max(startTime, 0);
        }

        int pidfd() {
            return pidfd;
        }

        @Override
        public long serial() {
            return serial;
        }

        /** How its processes are found: {@code cgroup} or {@code process-group} (status and describe say it). */
        @Override
        public String tracking() {
            return cgroup == null || cgroup.isFailed() ? "process-group" : "cgroup";
        }

        /** Its cgroup's folder, or "" when it is tracked by process group. */
        @Override
        public String cgroup() {
            return cgroup == null || cgroup.isFailed() ? "" : cgroup.dir().toString();
        }

        /** Its live processes, read now: its cgroup's, or its process group's (one pass over /proc). */
        @Override
        public List<Long> members() {
            return cgroup != null && cgroup.holds() ? cgroup.members() : ProcFs.groupMembers(pid);
        }

        boolean child() {
            return child;
        }

        /** Signals the leader through its pidfd, unless the pidfd is closed (its number may belong to another file by then). */
        synchronized void signalLeader(int signal) {
            if (!closed) Posix.pidfdSignal(pidfd, signal);
        }

        synchronized void close() {
            if (closed) return;
            closed = true;
            Posix.close(pidfd);
        }
    }

    private final Launcher launcher;
    private final Cgroups cgroups;
    /** The last run's serial: microseconds of the wall clock, so a later daemon's runs are newer. */
    private long lastSerial;
    private final ExitWatcher exits = new ExitWatcher();
    /** Made on first use: most daemons hold no socket, and its native calls cost memory to link. */
    private Sockets sockets;
    /** Where the engine thread's calls leave errno, reused: an arena per call showed on a restart's path. */
    private final MemorySegment callState = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    /** Apps tracked by process group alone. */
    public Controller(Launcher launcher) {
        this(launcher, Cgroups.off());
    }

    public Controller(Launcher launcher, Cgroups cgroups) {
        this.launcher = launcher;
        this.cgroups = cgroups;
    }

    /**
     * Starts a run of the app. {@code again}: it has restarted before and likely will again, so its spawn
     * is kept ready ({@link Launcher#spawn}), and it is given the CPU before the daemon's bookkeeping. The
     * child starts on this thread's CPU, and this thread, resumed at the child's exec, kept it waiting
     * 0.9-1.4 ms while the other CPU sat idle (perf sched).
     */
    @Override
    public Run spawn(int id, ProcessSpec spec, Launcher.Heartbeat heartbeat, boolean again) throws Launcher.SpawnFailure {
        var addresses = spec.copies().sockets();
        List<Integer> fds = List.of();
        if (!addresses.isEmpty()) {
            try {
                sockets().hold(addresses, List.of());
            } catch (pm.core.PmException e) {
                throw new Launcher.SpawnFailure(e.getMessage());
            }
            fds = sockets.fds(addresses);
        }
        var cgroup = cgroups.make(RunMark.key(id, Launcher.copyOf(spec)), spec.name());
        long serial = lastSerial = Math.max(lastSerial + 1, System.currentTimeMillis() * 1000);
        long pid;
        int into = cgroups.openForSpawn(cgroup);
        try {
            pid = launcher.spawn(id, spec, heartbeat, serial, again, into, fds);
        } catch (Launcher.SpawnFailure | RuntimeException e) {
            cgroups.discard(cgroup);
            throw e;
        } finally {
            if (into >= 0) Posix.close(into);
        }
        if (again) Posix.yieldCpu();
        int pidfd = Posix.pidfdOpen(pid); // the child cannot be gone yet: only this daemon reaps it
        if (pidfd < 0) throw new Launcher.SpawnFailure("pidfd_open(" + pid + "): " + Posix.strerror(-pidfd));
        // Into its cgroup after the exec (where it was not born there): a move that may wait for the kernel.
        cgroups.enter(cgroup, pid, into >= 0, again);
        var run = new Run(spec.name(), pid, -1, pidfd, true, cgroup, serial);
        exits.watch(run);
        return run;
    }

    /**
     * The runs of this home that a scan of {@code /proc} finds by their mark ({@link RunMark}) and whose
     * serial is none of {@code known}: by copy ({@link RunMark#key}), the newest run's leader, its cgroup as a full path.
     */
    @Override
    public Map<Long, RunMark.Found> unrecorded(Set<Long> known) {
        var out = new HashMap<Long, RunMark.Found>();
        RunMark.newest(launcher.marks().scan(), known).forEach((key, f) -> out.put(key,
                new RunMark.Found(f.pid(), f.startTime(), f.serial(), f.app(), f.copy(), f.secret(), cgroups.path(f.cgroup()))));
        return out;
    }

    @Override
    public void holdSockets(List<String> addresses, List<Long> livePids) {
        sockets().hold(addresses, livePids);
    }

    @Override
    public void keepSockets(java.util.Set<String> used) {
        if (sockets != null) sockets.keepOnly(used);
    }

    private Sockets sockets() {
        if (sockets == null) sockets = new Sockets();
        return sockets;
    }

    /** Frees what was kept ready for an app that is gone or has settled (stopped, exited, given up). */
    @Override
    public void forget(int id, int copy) {
        launcher.forget(id, copy);
        cgroups.forget(RunMark.key(id, copy));
    }

    /**
     * Takes over an app an earlier daemon started, if the pid still belongs to it (same start time, not a
     * zombie), with the cgroup it recorded ("" for none) if that still holds it. Its exit is noticed through
     * a pidfd, but its status cannot be known: only a parent reaps. A run that is gone has what it left in
     * its cgroup killed, as a run that ends by itself has.
     */
    @Override
    public Optional<Processes.Run> adopt(String name, long pid, long startTime, String cgroup, long serial) {
        int pidfd = ProcFs.isSameLiveProcess(pid, startTime) ? Posix.pidfdOpen(pid) : -1;
        // Checked again with the pidfd open: it now pins the process it refers to.
        if (pidfd >= 0 && !ProcFs.isSameLiveProcess(pid, startTime)) {
            Posix.close(pidfd);
            pidfd = -1;
        }
        if (pidfd < 0) {
            cgroups.abandoned(cgroup);
            return Optional.empty();
        }
        var run = new Run(name, pid, startTime, pidfd, false, cgroups.adopt(cgroup, pid), serial);
        exits.watch(run);
        return Optional.of(run);
    }

    /**
     * Sleeps until a watched run ends, {@link #wake} is called, or the timeout passes; returns the runs that
     * ended, reaped. For the engine thread only: it sleeps here instead of on a queue.
     */
    @Override
    public List<Exit> awaitExits(long timeoutNanos) {
        // Ended runs' cgroups are removed once empty; an idle daemon has none and is not woken for them.
        var ended = exits.await(Math.min(timeoutNanos, cgroups.tidy(System.nanoTime())));
        for (var x : ended) if (x.run() instanceof Run r && r.cgroup != null) cgroups.ended(r.cgroup);
        return ended;
    }

    /** Any thread: the engine thread's current or next {@link #awaitExits} returns at once. */
    @Override
    public void wake() {
        exits.wake();
    }

    /**
     * Signals the group (right after a spawn, before the group exists, the leader alone), and the rest of
     * the run's cgroup, if it has one.
     */
    @Override
    public void signal(Processes.Run r, int signal) {
        var run = (Run) r;
        if (run.cgroup != null) cgroups.settle(run.cgroup);
        if (Libc.kill(-run.pid(), signal, callState) == Libc.ESRCH) run.signalLeader(signal);
        if (run.cgroup != null && run.cgroup.holds()) cgroups.signal(run.cgroup, run.pid(), signal);
    }

    /** Whether any process of the run is still running (zombies do not count): in its cgroup, or else its group. */
    @Override
    public boolean groupAlive(Processes.Run r) {
        if (!(r instanceof Run run)) return false;
        if (run.cgroup != null) {
            cgroups.settle(run.cgroup);
            if (run.cgroup.holds()) return cgroups.populated(run.cgroup);
        }
        long pgid = run.pid();
        // kill(-pgid, 0) answers the common case, an empty group, without reading /proc.
        return Libc.kill(-pgid, 0, callState) != Libc.ESRCH && ProcFs.groupHasLiveMember(pgid);
    }
}
