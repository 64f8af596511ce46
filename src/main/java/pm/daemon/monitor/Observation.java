package pm.daemon.monitor;

import java.util.List;

/** What the monitor saw, posted to the engine, which alone decides what to do about it. */
public sealed interface Observation {
    /** One process group's resource use; {@code cpuSeconds} is its CPU time so far, for a counter. */
    record Usage(String name, long pid, double cpuPercent, long rssBytes, int processes, double cpuSeconds) {}

    /** One sampling round over every running process. */
    record Samples(List<Usage> usages) implements Observation {}

    record ProbeResult(String name, long pid, boolean ok, String detail) implements Observation {}

    record HeartbeatSeen(String name, long pid, long wallMillis) implements Observation {}

    /** A process that had sent heartbeats has been silent longer than its timeout (reported once per silence). */
    record HeartbeatSilent(String name, long pid, long silentMillis) implements Observation {}

    /** A datagram that was not a valid heartbeat for a running process; {@code name} is "" when none matched. */
    record HeartbeatRejected(String name, String why) implements Observation {}
}
