package pm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code describe} reports about one process: its {@link ProcessStatus}, plus its processes
 * and its cgroup, its spec, its recent state changes and samples, and its heartbeat and probe
 * counters. The JSON form is the status object with these fields added (docs/status-json.md).
 */
public record ProcessDescription(
        ProcessStatus status,
        /* Its running processes: its cgroup's, or its process group's (leader first). */
        List<Long> pids,
        /* Its cgroup's folder; empty when it is tracked by process group or not running. */
        String cgroup,
        ProcessSpec spec,
        /* The last state changes, oldest first. */
        List<StateChange> history,
        /* The last samples, oldest first. */
        List<Double> recentCpuPercent,
        List<Long> recentMemoryBytes,
        /* Heartbeats refused for this process since the daemon started. */
        long rejectedHeartbeats,
        /* Failed health checks in a row. */
        int probeFailures) {

    public ProcessDescription {
        pids = List.copyOf(pids);
        cgroup = cgroup == null ? "" : cgroup;
        history = List.copyOf(history);
        recentCpuPercent = List.copyOf(recentCpuPercent);
        recentMemoryBytes = List.copyOf(recentMemoryBytes);
    }

    public Duration heartbeatTimeout() {
        return spec.heartbeatTimeout();
    }

    public Map<String, Object> toJson() {
        var m = status.toJson();
        m.put("pids", pids);
        m.put("cgroup", cgroup.isEmpty() ? null : cgroup);
        m.put("spec", spec.toJson());
        var changes = new ArrayList<Object>();
        for (var c : history) changes.add(c.toJson());
        m.put("history", changes);
        var cpu = new ArrayList<Object>();
        for (double c : recentCpuPercent) cpu.add(Math.round(c * 10) / 10.0);
        m.put("recent_cpu_percent", cpu);
        m.put("recent_memory_bytes", recentMemoryBytes);
        m.put("heartbeat_timeout_ms", spec.heartbeatTimeout().toMillis());
        m.put("rejected_heartbeats", rejectedHeartbeats);
        m.put("probe_failures", probeFailures);
        return m;
    }

    /** Reads what {@link #toJson} writes; the spec is read (and checked) as the registry reads it. */
    @SuppressWarnings("unchecked")
    public static ProcessDescription fromJson(Map<String, Object> m) {
        var pids = new ArrayList<Long>();
        var history = new ArrayList<StateChange>();
        var cpu = new ArrayList<Double>();
        var rss = new ArrayList<Long>();
        if (m.get("pids") instanceof List<?> l) for (Object o : l) if (o instanceof Number n) pids.add(n.longValue());
        if (m.get("history") instanceof List<?> l) for (Object o : l) if (o instanceof Map<?, ?> c) history.add(StateChange.fromJson(c));
        if (m.get("recent_cpu_percent") instanceof List<?> l) for (Object o : l) if (o instanceof Number n) cpu.add(n.doubleValue());
        if (m.get("recent_memory_bytes") instanceof List<?> l) for (Object o : l) if (o instanceof Number n) rss.add(n.longValue());
        if (!(m.get("spec") instanceof Map<?, ?> s)) throw new PmException(ErrorCode.BAD_REQUEST, "a describe reply without a spec");
        var spec = ProcessSpec.fromJson((Map<String, Object>) s);
        return new ProcessDescription(ProcessStatus.fromJson(m), pids, ProcessStatus.text(m.get("cgroup")), spec, history, cpu, rss,
                ProcessStatus.number(m.get("rejected_heartbeats"), 0), (int) ProcessStatus.number(m.get("probe_failures"), 0));
    }
}
