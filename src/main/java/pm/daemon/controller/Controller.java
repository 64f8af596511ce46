package pm.daemon.controller;

import pm.core.ProcessSpec;
import pm.daemon.procfs.ProcFs;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * Starts, adopts, signals and watches apps (DESIGN.md principle 4); it never edits an app or its files.
 * Every app is a process group led by its own pid, so signals go to the whole group.
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
        private boolean closed;

        Run(String name, long pid, long startTime, int pidfd, boolean child) {
            this.name = name;
            this.pid = pid;
            this.startTime = startTime;
            this.pidfd = pidfd;
            this.child = child;
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
    private final ExitWatcher exits = new ExitWatcher();
    /** Made on first use: most daemons hold no socket, and its native calls cost memory to link. */
    private Sockets sockets;
    /** Where the engine thread's calls leave errno, reused: an arena per call showed on a restart's path. */
    private final MemorySegment callState = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    public Controller(Launcher launcher) {
        this.launcher = launcher;
    }

    /**
     * Starts a run of the app. {@code again}: it has restarted before and likely will again, so its spawn
     * is kept ready ({@link Launcher#spawn}), and it is given the CPU before the daemon's bookkeeping. The
     * child starts on this thread's CPU, and this thread, resumed at the child's exec, kept it waiting
     * 0.9-1.4 ms while the other CPU sat idle (perf sched, docs/performance.md on the crash gap).
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
        long pid = launcher.spawn(id, spec, heartbeat, again, fds);
        if (again) Posix.yieldCpu();
        int pidfd = Posix.pidfdOpen(pid); // the child cannot be gone yet: only this daemon reaps it
        if (pidfd < 0) throw new Launcher.SpawnFailure("pidfd_open(" + pid + "): " + Posix.strerror(-pidfd));
        var run = new Run(spec.name(), pid, -1, pidfd, true);
        exits.watch(run);
        return run;
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
    public void forget(int id) {
        launcher.forget(id);
    }

    /**
     * Takes over an app an earlier daemon started, if the pid still belongs to it (same start time, not a
     * zombie). Its exit is noticed through a pidfd, but its status cannot be known: only a parent reaps.
     */
    @Override
    public Optional<Processes.Run> adopt(String name, long pid, long startTime) {
        if (!ProcFs.isSameLiveProcess(pid, startTime)) return Optional.empty();
        int pidfd = Posix.pidfdOpen(pid);
        if (pidfd < 0) return Optional.empty();
        // Checked again with the pidfd open: it now pins the process it refers to.
        if (!ProcFs.isSameLiveProcess(pid, startTime)) {
            Posix.close(pidfd);
            return Optional.empty();
        }
        var run = new Run(name, pid, startTime, pidfd, false);
        exits.watch(run);
        return Optional.of(run);
    }

    /**
     * Sleeps until a watched run ends, {@link #wake} is called, or the timeout passes; returns the runs that
     * ended, reaped. For the engine thread only: it sleeps here instead of on a queue.
     */
    @Override
    public List<Exit> awaitExits(long timeoutNanos) {
        return exits.await(timeoutNanos);
    }

    /** Any thread: the engine thread's current or next {@link #awaitExits} returns at once. */
    @Override
    public void wake() {
        exits.wake();
    }

    /** Signals the group; right after a spawn, before the group exists, the leader alone. */
    @Override
    public void signal(Processes.Run run, int signal) {
        if (Libc.kill(-run.pid(), signal, callState) == Libc.ESRCH) ((Run) run).signalLeader(signal);
    }

    /** Whether any process of the run's group still runs (zombies do not count). */
    @Override
    public boolean groupAlive(long pgid) {
        // kill(-pgid, 0) answers the common case, an empty group, without reading /proc.
        return pgid > 0 && Libc.kill(-pgid, 0, callState) != Libc.ESRCH && ProcFs.groupHasLiveMember(pgid);
    }
}
