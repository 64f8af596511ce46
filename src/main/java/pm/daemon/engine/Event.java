package pm.daemon.engine;

import java.util.OptionalInt;

/** Something that happened to one process; the input of {@link Machine#apply}. */
public sealed interface Event {
    /**
     * The user wants it running. {@code waitingFor} is empty when the apps it depends on meet their
     * conditions, else what it waits for ({@code db: healthy}); the engine works it out, and sends it again
     * when that changes.
     */
    record Start(String waitingFor) implements Event {
        public Start() {
            this("");
        }
    }

    /** The user wants it stopped; {@code force} skips the stop signal and kills at once. */
    record Stop(boolean force) implements Event {}

    /**
     * The user wants it stopped, then started again with the current spec; {@code waitingFor} as in
     * {@link Start}, for an app that is not running (a running one is started again at once).
     */
    record Restart(String waitingFor) implements Event {
        public Restart() {
            this("");
        }
    }

    /** The spawn the machine asked for succeeded. */
    record Spawned(long pid, long wallMillis) implements Event {}

    /** The spawn the machine asked for failed, for this reason. */
    record SpawnFailed(String reason) implements Event {}

    /**
     * The process with this pid ended with this status (its exit code, or minus the signal that killed
     * it), or with no known status when pm was not its parent (adopted); {@code groupAlive} tells whether
     * other members of its process group remain.
     */
    record Exited(long pid, OptionalInt status, boolean groupAlive) implements Event {
        public Exited(long pid, int status, boolean groupAlive) {
            this(pid, OptionalInt.of(status), groupAlive);
        }
    }

    /** The process's deadline passed; {@code groupAlive} as in {@link Exited}. */
    record Timer(boolean groupAlive) implements Event {}

    /** A health probe of the run with this pid passed or failed; {@code detail} says what it saw. */
    record Probed(long pid, boolean ok, String detail) implements Event {}

    /** The run with this pid used this much CPU (percent of one core) and memory, over its whole group. */
    record Sampled(long pid, double cpuPercent, long rssBytes, int processes) implements Event {}

    /** The run with this pid sent a valid heartbeat, at this wall-clock time. */
    record Beat(long pid, long wallMillis) implements Event {}

    /** The run with this pid had sent heartbeats and has now been silent longer than its heartbeat timeout. */
    record BeatLost(long pid, long silentMillis) implements Event {}
}
