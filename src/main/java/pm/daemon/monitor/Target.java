package pm.daemon.monitor;

import pm.core.HealthSettings;
import pm.core.LogSettings;
import pm.core.Probe;

import java.time.Duration;
import java.util.Optional;

/**
 * One running process as the monitor sees it: an immutable entry of the snapshot the engine publishes.
 * {@code pid} identifies the run; every observation carries it back so the engine can drop stale ones.
 * {@code cgroup} is the run's cgroup folder, whose members are its processes, or "" when its process
 * group is. {@code maxMemory} is its memory limit in bytes, or 0: a limited app is sampled every period.
 */
public record Target(String name, int id, long pid, boolean starting, Optional<Probe> probe, HealthSettings health,
                     String cwd, Duration heartbeatTimeout, String secret, LogSettings logs, String cgroup,
                     long maxMemory) {}
