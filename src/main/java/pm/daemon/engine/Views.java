package pm.daemon.engine;

import pm.core.Home;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable JSON views of processes, as the status and list replies carry them (docs/status-json.md). */
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
        m.put("started_at", up ? Instant.ofEpochMilli(p.startedAtMillis).toString() : null);
        m.put("uptime_ms", up ? Math.max(0, nowMillis - p.startedAtMillis) : null);
        m.put("restarts", p.restarts);
        m.put("cpu_percent", null);
        m.put("memory_bytes", null);
        m.put("health", spec.healthCheck().isEmpty() ? "none" : "unknown");
        m.put("port", spec.port() == 0 ? null : spec.port());
        m.put("health_check", spec.healthCheck().isEmpty() ? null : spec.healthUrl());
        m.put("restart_policy", spec.restartPolicy().wireName());
        m.put("reason", p.reason);
        if (p.lastExit != null) {
            var exit = new LinkedHashMap<String, Object>(p.lastExit.toJson());
            exit.put("at", p.lastExitAtMillis == 0 ? null : Instant.ofEpochMilli(p.lastExitAtMillis).toString());
            m.put("last_exit", exit);
        } else {
            m.put("last_exit", null);
        }
        m.put("out_log", home.outLog(spec.name()).toString());
        m.put("err_log", home.errLog(spec.name()).toString());
        return m;
    }

    static Map<String, Object> spec(Proc p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", p.id);
        m.put("desired", p.wanted ? "running" : "stopped");
        m.putAll(p.spec.toJson());
        return m;
    }
}
