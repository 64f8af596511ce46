package pm.daemon.metrics;

import pm.core.Health;
import pm.core.ProcessState;
import pm.daemon.engine.Reading;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code /metrics} shows: per process (labelled by {@code name} and {@code type}) whether it runs,
 * should run, is healthy, its restarts, CPU time, memory, start time and heartbeat age; and the daemon's
 * own figures. Built from one reading of the engine, so the figures of one scrape belong together.
 */
public final class Scrape {
    /** The daemon's own facts that the engine does not keep. */
    public record Daemon(String version, long startMillis, long clientsDropped) {}

    private Scrape() {}

    public static String render(Reading.All all, Daemon daemon, long nowMillis, boolean openMetrics) {
        var x = new Exposition(openMetrics);
        var ps = all.processes();
        x.family("pm_process_up", Exposition.Type.GAUGE, "Whether the process is running (1) or not (0).");
        for (var r : ps) x.sample("pm_process_up", r.status().state() == ProcessState.RUNNING ? 1 : 0, labels(r));
        x.family("pm_process_desired_running", Exposition.Type.GAUGE, "Whether the process is meant to run (1: last started, 0: stopped).");
        for (var r : ps) x.sample("pm_process_desired_running", r.status().wanted() ? 1 : 0, labels(r));
        x.family("pm_process_healthy", Exposition.Type.GAUGE,
                "Whether its health check or heartbeats say it is healthy (1) or unhealthy (0); absent before a verdict.");
        for (var r : ps) {
            var h = r.status().health();
            if (h == Health.HEALTHY || h == Health.UNHEALTHY) x.sample("pm_process_healthy", h == Health.HEALTHY ? 1 : 0, labels(r));
        }
        x.family("pm_process_restarts_total", Exposition.Type.COUNTER, "Restarts pm made by itself (policy, health, memory limit).");
        for (var r : ps) x.sample("pm_process_restarts_total", r.status().restarts(), labels(r));
        x.family("pm_process_cpu_seconds_total", Exposition.Type.COUNTER, "CPU time used by the current run's process group.");
        for (var r : ps) if (r.status().pid() != 0) x.sample("pm_process_cpu_seconds_total", r.cpuSeconds(), labels(r));
        x.family("pm_process_resident_memory_bytes", Exposition.Type.GAUGE, "Resident memory of the process group.");
        for (var r : ps) if (r.status().sampled()) x.sample("pm_process_resident_memory_bytes", r.status().memoryBytes(), labels(r));
        x.family("pm_process_start_time_seconds", Exposition.Type.GAUGE, "When the current run started, in seconds since the epoch.");
        for (var r : ps) if (r.status().startedAtMillis() != 0) x.sample("pm_process_start_time_seconds", r.status().startedAtMillis() / 1000.0, labels(r));
        x.family("pm_process_heartbeat_age_seconds", Exposition.Type.GAUGE, "Time since the current run's last heartbeat; absent before its first.");
        for (var r : ps) if (r.status().heartbeatAtMillis() != 0)
            x.sample("pm_process_heartbeat_age_seconds", Math.max(0, nowMillis - r.status().heartbeatAtMillis()) / 1000.0, labels(r));
        x.family("pm_process_heartbeat_timeout_seconds", Exposition.Type.GAUGE, "Silence after which a process that sends heartbeats is unhealthy.");
        for (var r : ps) if (r.status().heartbeatAtMillis() != 0 && r.heartbeatTimeoutMillis() > 0)
            x.sample("pm_process_heartbeat_timeout_seconds", r.heartbeatTimeoutMillis() / 1000.0, labels(r));

        x.family("pm_daemon_info", Exposition.Type.INFO, "The pm daemon's version.");
        x.sample("pm_daemon_info", 1, "version", daemon.version());
        x.family("pm_daemon_processes", Exposition.Type.GAUGE, "Registered processes.");
        x.sample("pm_daemon_processes", ps.size());
        x.family("pm_daemon_start_time_seconds", Exposition.Type.GAUGE, "When the daemon started, in seconds since the epoch.");
        x.sample("pm_daemon_start_time_seconds", daemon.startMillis() / 1000.0);
        x.family("pm_daemon_resident_memory_bytes", Exposition.Type.GAUGE, "The daemon's own resident memory.");
        x.sample("pm_daemon_resident_memory_bytes", residentBytes());
        x.family("pm_daemon_rejected_heartbeats_total", Exposition.Type.COUNTER, "Heartbeats refused: wrong secret, unknown process, malformed.");
        x.sample("pm_daemon_rejected_heartbeats_total", all.rejectedHeartbeats());
        x.family("pm_daemon_http_clients_dropped_total", Exposition.Type.COUNTER,
                "HTTP clients cut off because they stopped reading or fell behind an event stream.");
        x.sample("pm_daemon_http_clients_dropped_total", daemon.clientsDropped());
        return x.finish();
    }

    private static String[] labels(Reading r) {
        return new String[] {"name", r.status().name(), "type", r.status().type().wireName()};
    }

    /** The daemon's resident set, from /proc/self/statm (its second field, in pages). */
    static long residentBytes() {
        try {
            String[] fields = Files.readString(Path.of("/proc/self/statm")).split(" ");
            return Long.parseLong(fields[1].strip()) * 4096;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
