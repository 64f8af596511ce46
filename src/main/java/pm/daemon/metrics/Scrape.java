package pm.daemon.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import pm.core.Health;
import pm.core.ProcessState;
import pm.daemon.engine.Reading;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code /metrics} shows: per process (labelled by {@code name} and {@code type}) whether it runs,
 * should run, is healthy, its restarts, CPU time, memory, start time and heartbeat age; and the daemon's
 * own figures. Built from one reading of the engine, so the figures of one scrape belong together, and
 * written by Prometheus' own exposition library (client_java), in its text format or, when the scraper's
 * Accept header asks for it, OpenMetrics. Its classes load at the first scrape (about 0.5 MiB more than a
 * hand-written writer, docs/performance.md); a daemon nobody scrapes pays nothing.
 */
public final class Scrape {
    /** The daemon's own facts that the engine does not keep. */
    public record Daemon(String version, long startMillis, long clientsDropped) {}

    /** A written scrape and its content type. */
    public record Text(byte[] bytes, String contentType) {}

    private Scrape() {}

    public static Text render(Reading.All all, Daemon daemon, long nowMillis, String accept) throws IOException {
        var snapshots = MetricSnapshots.builder();
        var ps = all.processes();
        var up = gauge("pm_process_up", "Whether the process is running (1) or not (0).", null);
        var desired = gauge("pm_process_desired_running", "Whether the process is meant to run (1: last started, 0: stopped).", null);
        var healthy = gauge("pm_process_healthy", "Whether its health check or heartbeats say it is healthy (1) or unhealthy (0); absent before a verdict.", null);
        var restarts = counter("pm_process_restarts", "Restarts pm made by itself (policy, health, memory limit).", null);
        var cpu = counter("pm_process_cpu_seconds", "CPU time used by the current run's process group.", Unit.SECONDS);
        var memory = gauge("pm_process_resident_memory_bytes", "Resident memory of the process group.", Unit.BYTES);
        var started = gauge("pm_process_start_time_seconds", "When the current run started, in seconds since the epoch.", Unit.SECONDS);
        var beatAge = gauge("pm_process_heartbeat_age_seconds", "Time since the current run's last heartbeat; absent before its first.", Unit.SECONDS);
        var beatTimeout = gauge("pm_process_heartbeat_timeout_seconds", "Silence after which a process that sends heartbeats is unhealthy.", Unit.SECONDS);
        for (var r : ps) {
            var s = r.status();
            var labels = Labels.of("name", s.name(), "type", s.type().wireName());
            up.dataPoint(point(labels, s.state() == ProcessState.RUNNING ? 1 : 0));
            desired.dataPoint(point(labels, s.wanted() ? 1 : 0));
            if (s.health() == Health.HEALTHY || s.health() == Health.UNHEALTHY) healthy.dataPoint(point(labels, s.health() == Health.HEALTHY ? 1 : 0));
            restarts.dataPoint(count(labels, s.restarts()));
            if (s.pid() != 0) cpu.dataPoint(count(labels, r.cpuSeconds()));
            if (s.sampled()) memory.dataPoint(point(labels, s.memoryBytes()));
            if (s.startedAtMillis() != 0) started.dataPoint(point(labels, s.startedAtMillis() / 1000.0));
            if (s.heartbeatAtMillis() != 0) {
                beatAge.dataPoint(point(labels, Math.max(0, nowMillis - s.heartbeatAtMillis()) / 1000.0));
                if (r.heartbeatTimeoutMillis() > 0) beatTimeout.dataPoint(point(labels, r.heartbeatTimeoutMillis() / 1000.0));
            }
        }
        snapshots.metricSnapshot(up.build()).metricSnapshot(desired.build()).metricSnapshot(healthy.build())
                .metricSnapshot(restarts.build()).metricSnapshot(cpu.build()).metricSnapshot(memory.build())
                .metricSnapshot(started.build()).metricSnapshot(beatAge.build()).metricSnapshot(beatTimeout.build());

        var none = Labels.EMPTY;
        snapshots.metricSnapshot(InfoSnapshot.builder().name("pm_daemon").help("The pm daemon's version.")
                        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", daemon.version())).build()).build())
                .metricSnapshot(gauge("pm_daemon_processes", "Registered processes.", null).dataPoint(point(none, ps.size())).build())
                .metricSnapshot(gauge("pm_daemon_start_time_seconds", "When the daemon started, in seconds since the epoch.", Unit.SECONDS)
                        .dataPoint(point(none, daemon.startMillis() / 1000.0)).build())
                .metricSnapshot(gauge("pm_daemon_resident_memory_bytes", "The daemon's own resident memory.", Unit.BYTES)
                        .dataPoint(point(none, residentBytes())).build())
                .metricSnapshot(counter("pm_daemon_rejected_heartbeats", "Heartbeats refused: wrong secret, unknown process, malformed.", null)
                        .dataPoint(count(none, all.rejectedHeartbeats())).build())
                .metricSnapshot(counter("pm_daemon_http_clients_dropped", "HTTP clients cut off because they stopped reading or fell behind an event stream.", null)
                        .dataPoint(count(none, daemon.clientsDropped())).build());

        var openMetrics = OpenMetricsTextFormatWriter.create();
        ExpositionFormatWriter writer = accept != null && openMetrics.accepts(accept) ? openMetrics : PrometheusTextFormatWriter.create();
        var out = new ByteArrayOutputStream(64 + 600 * ps.size());
        // Underscores for names outside the classic character set: pm's names are all inside it.
        writer.write(out, snapshots.build(), EscapingScheme.UNDERSCORE_ESCAPING);
        return new Text(out.toByteArray(), writer.getContentType());
    }

    private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
        var b = GaugeSnapshot.builder().name(name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static CounterSnapshot.Builder counter(String name, String help, Unit unit) {
        var b = CounterSnapshot.builder().name(name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterSnapshot.CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build();
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
