package pm.daemon.controller;

import pm.core.ProcessSpec;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the engine asks of the operating system's processes: spawn, adopt, signal, watch. {@link Controller}
 * is the real one; tests fake it to drive the engine without a process. All calls come from the engine
 * thread, except {@link #wake}.
 */
public interface Processes {
    /** One run of an app: its name, its pid (also its process group id), its start time from {@code /proc}. */
    interface Run {
        String name();

        long pid();

        /** Clock ticks after boot, to tell it from a later process that reuses the pid; 0 if unknown. */
        long startTime();
    }

    /**
     * A run that ended: the exit status for a child of this daemon ({@code code}, or {@code -signal} when
     * killed), none for an adopted one (only a parent can know it).
     */
    record Exit(Run run, OptionalInt status) {}

    /** Starts a run; {@code again}: it has restarted before and likely will again. */
    Run spawn(int id, ProcessSpec spec, Launcher.Heartbeat heartbeat, boolean again) throws Launcher.SpawnFailure;

    /** Takes over a run an earlier daemon started, if the pid still belongs to it. */
    Optional<Run> adopt(String name, long pid, long startTime);

    /** Signals the run's whole process group. */
    void signal(Run run, int signal);

    /** Whether any process of the group still runs (zombies do not count). */
    boolean groupAlive(long pgid);

    /** Sleeps until a watched run ends, {@link #wake} is called, or the timeout passes; returns the runs that ended. */
    List<Exit> awaitExits(long timeoutNanos);

    /** Any thread: the engine thread's current or next {@link #awaitExits} returns at once. */
    void wake();

    /** Frees what was kept ready for an app that is gone or has settled. */
    void forget(int id);

    /**
     * Holds the listening sockets an app names ({@code --socket}), each once for the daemon's life: taken
     * back from one of {@code livePids} (its running copies) where one holds it, else opened. Throws an
     * INVALID PmException with one line for an address in use or not allowed.
     */
    default void holdSockets(List<String> addresses, List<Long> livePids) {}

    /** Closes the held sockets no registered app names any more. */
    default void keepSockets(java.util.Set<String> used) {}
}
