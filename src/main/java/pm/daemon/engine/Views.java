package pm.daemon.engine;

import pm.core.Home;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable JSON views of processes, as the status, list and describe replies carry them (docs/status-json.md). */
final class Views {
    private Views() {}

    static Map<String, Object> status(Proc p, Home home, long nowMillis) {
        var m = new LinkedHashMap<String, Object>();
        var spec = p.spec;
        boolean up = p.pid != 0;
        m.put("id", p.id);
        m.put("name", spec.name());
        m.put("type", spec.type().wireName());
        m.put("state", p.state.wireName());
        m.put("desired", p.wanted ? "running" : "stopped");
        m.put("pid", up ? p.pid : null);
        m.put("started_at", up ? instant(p.startedAtMillis) : null);
        m.put("uptime_ms", up ? Math.max(0, nowMillis - p.startedAtMillis) : null);
        m.put("restarts", p.restarts);
        boolean sampled = up && p.rssBytes >= 0;
        m.put("cpu_percent", sampled ? Math.round(p.cpuPercent * 10) / 10.0 : null);
        m.put("memory_bytes", sampled ? p.rssBytes : null);
        m.put("processes", sampled ? p.groupSize : null);
        m.put("tracking", up && p.run != null ? p.run.tracking() : null);
        m.put("health", p.health.wireName());
        m.put("health_detail", p.probeDetail.isEmpty() ? null : p.probeDetail);
        m.put("port", spec.port() == 0 ? null : spec.port());
        m.put("health_check", spec.probe().map(pm.core.Probe::describe).orElse(null));
        m.put("heartbeat_at", up && p.lastBeatAtMillis != 0 ? instant(p.lastBeatAtMillis) : null);
        m.put("restart_policy", spec.restartPolicy().wireName());
        m.put("reason", p.reason);
        if (p.lastExit != null) {
            var exit = new LinkedHashMap<String, Object>(p.lastExit.toJson());
            exit.put("at", p.lastExitAtMillis == 0 ? null : instant(p.lastExitAtMillis));
            m.put("last_exit", exit);
        } else {
            m.put("last_exit", null);
        }
        m.put("out_log", home.outLog(spec.name()).toString());
        m.put("err_log", home.errLog(spec.name()).toString());
        return m;
    }

    /** Everything about one process: its status, spec, recent history and samples, and heartbeat counters. */
    static Map<String, Object> describe(Proc p, Home home, long nowMillis) {
        var m = status(p, home, nowMillis);
        // One /proc pass, on demand: describe is rare and wants the whole tree.
        m.put("pids", p.pid == 0 || p.run == null ? java.util.List.of() : p.run.members());
        m.put("cgroup", p.pid == 0 || p.run == null || p.run.cgroup().isEmpty() ? null : p.run.cgroup());
        m.put("spec", p.spec.toJson());
        var history = new ArrayList<Object>();
        for (var t : p.history) {
            var h = new LinkedHashMap<String, Object>();
            h.put("at", instant(t.atMillis()));
            h.put("from", t.from().wireName());
            h.put("to", t.to().wireName());
            h.put("reason", t.reason());
            history.add(h);
        }
        m.put("history", history);
        var cpu = new ArrayList<Object>();
        var rss = new ArrayList<Object>();
        int n = Math.min(p.samplesTaken, Proc.SAMPLES);
        for (int i = p.samplesTaken - n; i < p.samplesTaken; i++) {
            cpu.add(Math.round(p.cpuHistory[i % Proc.SAMPLES] * 10) / 10.0);
            rss.add(p.rssHistory[i % Proc.SAMPLES]);
        }
        m.put("recent_cpu_percent", cpu);
        m.put("recent_memory_bytes", rss);
        m.put("heartbeat_timeout_ms", p.spec.heartbeatTimeout().toMillis());
        m.put("rejected_heartbeats", p.rejectedBeats);
        m.put("probe_failures", p.probeFailures);
        return m;
    }

    static Map<String, Object> spec(Proc p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", p.id);
        m.put("desired", p.wanted ? "running" : "stopped");
        m.putAll(p.spec.toJson());
        return m;
    }

    /**
     * The same text as {@code Instant.ofEpochMilli(millis).toString()} ("2026-11-26T07:05:50.123Z", no
     * fraction for a whole second), written by hand: Instant's formatter loads about 100 classes of
     * java.time.format and java.util.regex that the daemon would keep in metaspace for good.
     */
    static String instant(long millis) {
        long day = Math.floorDiv(millis, 86_400_000L);
        int ms = (int) Math.floorMod(millis, 86_400_000L);
        var out = new StringBuilder(24).append(LocalDate.ofEpochDay(day)).append('T');
        two(out, ms / 3_600_000).append(':');
        two(out, ms / 60_000 % 60).append(':');
        two(out, ms / 1000 % 60);
        if (ms % 1000 != 0) out.append('.').append((char) ('0' + ms % 1000 / 100)).append((char) ('0' + ms % 100 / 10))
                .append((char) ('0' + ms % 10));
        return out.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
