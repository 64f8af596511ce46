package pm.daemon.engine;

import pm.core.ProcessStatus;

import java.util.List;

/**
 * One process as {@code /metrics} reports it: its status, the CPU time its current run has used and its
 * heartbeat timeout (0: off). Immutable; read on the engine thread with {@link Engine#readings}.
 */
public record Reading(ProcessStatus status, double cpuSeconds, long heartbeatTimeoutMillis) {
    /** Every process, and the heartbeats refused since the daemon started. */
    public record All(List<Reading> processes, long rejectedHeartbeats) {
        public All {
            processes = List.copyOf(processes);
        }
    }
}
