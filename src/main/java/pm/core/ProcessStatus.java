package pm.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code status} reports about one process: the contract between the daemon, which writes it, and
 * every reader (the CLI, scripts through {@code status --json}, later the HTTP API). Its JSON form is
 * documented in docs/status-json.md; fields are only ever added, and an absent value is {@code null}.
 *
 * <p>Absent values have a neutral form here instead of null: {@code pid}, {@code startedAtMillis},
 * {@code heartbeatAtMillis}, {@code lastExitAtMillis} and {@code port} 0; {@code uptimeMillis},
 * {@code memoryBytes} and {@code processes} -1; {@code cpuPercent} NaN; {@code tracking}, {@code healthDetail}
 * and {@code healthCheck} empty.
 */
public record ProcessStatus(
        int id,
        String name,
        ProcessType type,
        ProcessState state,
        /* What the user last asked for: running (true) or stopped. */
        boolean wanted,
        long pid,
        long startedAtMillis,
        long uptimeMillis,
        int restarts,
        double cpuPercent,
        long memoryBytes,
        int processes,
        /* How its processes are found: "cgroup" or "process-group"; empty when it is not running. */
        String tracking,
        Health health,
        String healthDetail,
        int port,
        /* What the health check probes: a URL, tcp://HOST:PORT or cmd:COMMAND. */
        String healthCheck,
        long heartbeatAtMillis,
        RestartPolicy restartPolicy,
        String reason,
        Optional<ExitOutcome> lastExit,
        long lastExitAtMillis,
        String outLog,
        String errLog) {

    public ProcessStatus {
        tracking = tracking == null ? "" : tracking;
        healthDetail = healthDetail == null ? "" : healthDetail;
        healthCheck = healthCheck == null ? "" : healthCheck;
        reason = reason == null ? "" : reason;
        lastExit = lastExit == null ? Optional.empty() : lastExit;
    }

    /** Whether CPU and memory have been sampled for the current run. */
    public boolean sampled() {
        return memoryBytes >= 0;
    }

    /** The JSON object of docs/status-json.md, every field in its documented order. */
    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("name", name);
        m.put("type", type.wireName());
        m.put("state", state.wireName());
        m.put("desired", wanted ? "running" : "stopped");
        m.put("pid", pid == 0 ? null : pid);
        m.put("started_at", startedAtMillis == 0 ? null : UtcTime.format(startedAtMillis));
        m.put("uptime_ms", uptimeMillis < 0 ? null : uptimeMillis);
        m.put("restarts", restarts);
        m.put("cpu_percent", Double.isNaN(cpuPercent) ? null : Math.round(cpuPercent * 10) / 10.0);
        m.put("memory_bytes", memoryBytes < 0 ? null : memoryBytes);
        m.put("processes", processes < 0 ? null : processes);
        m.put("tracking", tracking.isEmpty() ? null : tracking);
        m.put("health", health.wireName());
        m.put("health_detail", healthDetail.isEmpty() ? null : healthDetail);
        m.put("port", port == 0 ? null : port);
        m.put("health_check", healthCheck.isEmpty() ? null : healthCheck);
        m.put("heartbeat_at", heartbeatAtMillis == 0 ? null : UtcTime.format(heartbeatAtMillis));
        m.put("restart_policy", restartPolicy.wireName());
        m.put("reason", reason);
        if (lastExit.isPresent()) {
            var exit = new LinkedHashMap<String, Object>(lastExit.get().toJson());
            exit.put("at", lastExitAtMillis == 0 ? null : UtcTime.format(lastExitAtMillis));
            m.put("last_exit", exit);
        } else {
            m.put("last_exit", null);
        }
        m.put("out_log", outLog);
        m.put("err_log", errLog);
        return m;
    }

    /**
     * Reads a status object. Leniently: a missing field (the table asks the daemon for its columns only)
     * or one of another type takes its absent value, and a name this version does not know (a state or a
     * type from a newer daemon) its nearest neutral one, so an old client still shows what it can.
     */
    public static ProcessStatus fromJson(Map<String, Object> m) {
        Optional<ExitOutcome> exit = Optional.empty();
        long exitAt = 0;
        if (m.get("last_exit") instanceof Map<?, ?> e) {
            exit = Optional.of(ExitOutcome.fromJson(e));
            exitAt = time(e.get("at"));
        }
        return new ProcessStatus(
                (int) number(m.get("id"), 0),
                text(m.get("name")),
                type(m.get("type")),
                ProcessState.of(text(m.get("state"))),
                "running".equals(m.get("desired")),
                number(m.get("pid"), 0),
                time(m.get("started_at")),
                number(m.get("uptime_ms"), -1),
                (int) number(m.get("restarts"), 0),
                m.get("cpu_percent") instanceof Number n ? n.doubleValue() : Double.NaN,
                number(m.get("memory_bytes"), -1),
                (int) number(m.get("processes"), -1),
                text(m.get("tracking")),
                Health.of(m.get("health") == null ? "none" : text(m.get("health"))),
                text(m.get("health_detail")),
                (int) number(m.get("port"), 0),
                text(m.get("health_check")),
                time(m.get("heartbeat_at")),
                policy(m.get("restart_policy")),
                text(m.get("reason")),
                exit,
                exitAt,
                text(m.get("out_log")),
                text(m.get("err_log")));
    }

    static long number(Object value, long absent) {
        return value instanceof Number n ? n.longValue() : absent;
    }

    static String text(Object value) {
        return value instanceof String s ? s : "";
    }

    static long time(Object value) {
        if (!(value instanceof String s)) return 0;
        try {
            return UtcTime.parse(s);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    // Lookups without exceptions: the status table reads a reply cut to its columns, with no policy.
    private static ProcessType type(Object value) {
        for (var t : ProcessType.values()) if (t.wireName().equals(value)) return t;
        return ProcessType.BINARY;
    }

    private static RestartPolicy policy(Object value) {
        for (var p : RestartPolicy.values()) if (p.wireName().equals(value)) return p;
        return RestartPolicy.ON_FAILURE;
    }
}
