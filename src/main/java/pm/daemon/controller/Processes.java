package pm.daemon.controller;

import pm.core.ProcessSpec;
import pm.daemon.procfs.RunMark;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

        /** How its processes are found: {@code cgroup} or {@code process-group} (status and describe say it). */
        default String tracking() {
            return "process-group";
        }

        /** Its cgroup's folder, or "" when it is tracked by process group. */
        default String cgroup() {
            return "";
        }

        /** Its serial, as the mark in its environment names it ({@link RunMark}); 0 when unknown. */
        default long serial() {
            return 0;
        }

        /** Its live processes, read now: its cgroup's, or its process group's (one pass over /proc). */
        default List<Long> members() {
            return pm.daemon.procfs.ProcFs.groupMembers(pid());
        }
    }

    /**
     * A run that ended: the exit status for a child of this daemon ({@code code}, or {@code -signal} when
     * killed), none for an adopted one (only a parent can know it).
     */
    record Exit(Run run, OptionalInt status) {}

    /** Starts a run; {@code again}: it has restarted before and likely will again. */
    Run spawn(int id, ProcessSpec spec, Launcher.Heartbeat heartbeat, boolean again) throws Launcher.SpawnFailure;

    /**
     * Takes over a run an earlier daemon started, if the pid still belongs to it, with the cgroup it recorded
     * ("" for none).
     */
    Optional<Run> adopt(String name, long pid, long startTime, String cgroup, long serial);

    /**
     * Runs of this home found running by their mark whose serial is none of {@code known} (the run file's):
     * the newest run of each copy of each app, by {@link RunMark#key}. A daemon killed between a spawn and
     * writing the run file leaves such a run.
     */
    Map<Long, RunMark.Found> unrecorded(Set<Long> known);

    /** Signals the run's whole process group, and the rest of its cgroup if it has one. */
    void signal(Run run, int signal);

    /** Whether any process of the run still runs (zombies do not count); false for none. */
    boolean groupAlive(Run run);

    /** Sleeps until a watched run ends, {@link #wake} is called, or the timeout passes; returns the runs that ended. */
    List<Exit> awaitExits(long timeoutNanos);

    /** Any thread: the engine thread's current or next {@link #awaitExits} returns at once. */
    void wake();

    /** Frees what was kept ready for a copy of an app that is gone or has settled. */
    void forget(int id, int copy);

    /**
     * Holds the listening sockets an app names ({@code --socket}), each once for the daemon's life: taken
     * back from one of {@code livePids} (its running copies) where one holds it, else opened. Throws an
     * INVALID PmException with one line for an address in use or not allowed.
     */
    default void holdSockets(List<String> addresses, List<Long> livePids) {}

    /** Closes the held sockets no registered app names any more. */
    default void keepSockets(java.util.Set<String> used) {}
}
