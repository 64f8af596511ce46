package pm.daemon.engine;

/** Something that happened to one process; the input of {@link Machine#apply}. */
public sealed interface Event {
    /** The user wants it running. */
    record Start() implements Event {}

    /** The user wants it stopped; {@code force} skips the stop signal and kills at once. */
    record Stop(boolean force) implements Event {}

    /** The user wants it stopped, then started again with the current spec. */
    record Restart() implements Event {}

    /** The spawn the machine asked for succeeded. */
    record Spawned(long pid, long wallMillis) implements Event {}

    /** The spawn the machine asked for failed, for this reason. */
    record SpawnFailed(String reason) implements Event {}

    /**
     * The process with this pid was reaped with this status (the JDK reports death by signal N as
     * 128+N); {@code groupAlive} tells whether other members of its process group remain.
     */
    record Exited(long pid, int status, boolean groupAlive) implements Event {}

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
