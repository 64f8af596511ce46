package pm.daemon.engine;

import pm.core.Home;
import pm.core.Probe;
import pm.core.ProcessDescription;
import pm.core.ProcessStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Immutable views of processes, as the status, list and describe replies carry them (docs/status-json.md). */
final class Views {
    private Views() {}

    static ProcessStatus status(Proc p, Home home, long nowMillis) {
        var spec = p.runSpec();
        boolean up = p.pid != 0;
        boolean sampled = up && p.rssBytes >= 0;
        return new ProcessStatus(p.id, p.shownName(), spec.type(), p.state, p.wanted,
                p.pid,
                up ? p.startedAtMillis : 0,
                up ? Math.max(0, nowMillis - p.startedAtMillis) : -1,
                p.restarts,
                sampled ? p.cpuPercent : Double.NaN,
                sampled ? p.rssBytes : -1,
                sampled ? p.groupSize : -1,
                up && p.run != null ? p.run.tracking() : "",
                p.health, p.healthDetail(), spec.port(), spec.probe().map(Probe::describe).orElse(""),
                up ? p.lastBeatAtMillis : 0,
                spec.restartPolicy(), p.reason,
                Optional.ofNullable(p.lastExit), p.lastExitAtMillis,
                home.outLog(spec.name()).toString(), home.errLog(spec.name()).toString());
    }

    /** Every process as {@code /metrics} reports it. */
    static Reading.All readings(java.util.Collection<Proc> procs, Home home, long nowMillis, long rejectedHeartbeats) {
        var out = new ArrayList<Reading>(procs.size());
        for (var p : procs) out.add(new Reading(status(p, home, nowMillis), p.cpuSeconds, p.spec.heartbeatTimeout().toMillis()));
        return new Reading.All(out, rejectedHeartbeats);
    }

    /** Everything about one process: its status, spec, recent history and samples, and heartbeat counters. */
    static ProcessDescription describe(Proc p, Home home, long nowMillis) {
        var cpu = new ArrayList<Double>();
        var rss = new ArrayList<Long>();
        recent(p, cpu, rss);
        // One /proc pass, on demand: describe is rare and wants the whole tree.
        List<Long> pids = p.pid == 0 || p.run == null ? List.of() : p.run.members();
        String cgroup = p.pid == 0 || p.run == null ? "" : p.run.cgroup();
        return new ProcessDescription(status(p, home, nowMillis), pids, cgroup, p.spec, List.copyOf(p.history), cpu, rss,
                p.rejectedBeats, p.probeFailures);
    }

    /** Adds the last samples, oldest first, to these lists. */
    static void recent(Proc p, List<Double> cpu, List<Long> rss) {
        int n = Math.min(p.samplesTaken, Proc.SAMPLES);
        for (int i = p.samplesTaken - n; i < p.samplesTaken; i++) {
            cpu.add(p.cpuHistory[i % Proc.SAMPLES]);
            rss.add(p.rssHistory[i % Proc.SAMPLES]);
        }
    }

    /**
     * A status entry with the last samples added under describe's keys, for a live view that draws them
     * for every app (pm top) in one request.
     */
    static Map<String, Object> statusWithRecent(Proc p, Home home, long nowMillis) {
        var m = status(p, home, nowMillis).toJson();
        var cpu = new ArrayList<Double>();
        var rss = new ArrayList<Long>();
        recent(p, cpu, rss);
        var rounded = new ArrayList<Object>(cpu.size());
        for (double c : cpu) rounded.add(Math.round(c * 10) / 10.0);
        m.put("recent_cpu_percent", rounded);
        m.put("recent_memory_bytes", rss);
        return m;
    }

    /** A registered process as {@code list} shows it: its id and desired state, then its spec. */
    static Map<String, Object> spec(Proc p, boolean wanted) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", p.id);
        m.put("desired", wanted ? "running" : "stopped");
        m.putAll(p.spec.toJson());
        return m;
    }
}
