package pm.daemon.controller;

import pm.core.ProcessSpec;
import pm.daemon.procfs.ProcFs;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Starts, adopts, signals and watches apps (DESIGN.md principle 4); it never edits an app or its files.
 * Every app is a process group led by its own pid, so signals go to the whole group.
 */
public final class Controller {
    /**
     * One run of an app: its pid (also its group id), its start time from {@code /proc} (to tell it from a
     * later process that reuses the pid), and its end: the exit status for a child of this daemon, no
     * status for an adopted one.
     */
    public record Run(long pid, long startTime, ProcessHandle handle, CompletableFuture<OptionalInt> exit) {}

    private final Launcher launcher;

    public Controller(Launcher launcher) {
        this.launcher = launcher;
    }

    public Run spawn(int id, ProcessSpec spec, Map<String, String> pmEnv) throws Launcher.SpawnFailure {
        Process process = launcher.spawn(id, spec, pmEnv);
        long startTime = ProcFs.stat(process.pid()).map(s -> s.startTime()).orElse(0L);
        var exit = process.onExit().thenApply(p -> OptionalInt.of(p.exitValue()));
        return new Run(process.pid(), startTime, process.toHandle(), exit);
    }

    /**
     * Takes over an app an earlier daemon started, if the pid still belongs to it (same start time, not a
     * zombie). Its exit is noticed through the kernel, but its status cannot be known: only a parent reaps.
     */
    public Optional<Run> adopt(long pid, long startTime) {
        if (!ProcFs.isSameLiveProcess(pid, startTime)) return Optional.empty();
        return ProcessHandle.of(pid).map(h -> new Run(pid, startTime, h,
                h.onExit().thenApply(x -> OptionalInt.empty())));
    }

    /** Signals the group; right after a spawn, before setsid made the group, the leader alone. */
    public void signal(Run run, int signal) {
        if (Libc.killGroup(run.pid(), signal) == Libc.ESRCH && run.handle().isAlive()) Libc.kill(run.pid(), signal);
    }

    /** Whether any process of the run's group still runs (zombies do not count). */
    public boolean groupAlive(long pgid) {
        // kill(-pgid, 0) answers the common case, an empty group, without reading /proc.
        return pgid > 0 && Libc.groupAlive(pgid) && ProcFs.groupHasLiveMember(pgid);
    }
}
