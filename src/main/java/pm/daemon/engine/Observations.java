package pm.daemon.engine;

import pm.daemon.monitor.Observation;

import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What the monitor saw (samples, probe results, heartbeats) and the exits the engine reaps, as events of
 * the process they are about: the run of that name with that pid, also one set aside in a reload. Engine
 * thread only.
 */
final class Observations {
    private static final Logger LOG = Logger.getLogger("pm.engine");
    private final Engine engine;
    private long lastRejectionLog;

    Observations(Engine engine) {
        this.engine = engine;
    }

    void handle(Observation o) {
        switch (o) {
            case Observation.Samples s -> {
                for (var u : s.usages()) {
                    var p = at(u.name(), u.pid());
                    if (p == null) continue;
                    engine.apply(p, new Event.Sampled(u.pid(), u.cpuPercent(), u.rssBytes(), u.processes()));
                    if (u.pid() == p.pid) {
                        p.recordSample(u.cpuPercent(), u.rssBytes());
                        p.cpuSeconds = u.cpuSeconds();
                    }
                }
            }
            case Observation.ProbeResult r -> on(r.name(), r.pid(), new Event.Probed(r.pid(), r.ok(), r.detail()));
            case Observation.HeartbeatSeen b -> on(b.name(), b.pid(), new Event.Beat(b.pid(), b.wallMillis()));
            case Observation.HeartbeatSilent l -> on(l.name(), l.pid(), new Event.BeatLost(l.pid(), l.silentMillis()));
            case Observation.HeartbeatRejected r -> {
                engine.rejectedHeartbeats++;
                var p = engine.procs.get(r.name());
                if (p != null) p.rejectedBeats++;
                // At most one line a minute: anyone on the machine can send datagrams to the port.
                long now = engine.clock.nanos();
                if (now - lastRejectionLog > TimeUnit.MINUTES.toNanos(1) || lastRejectionLog == 0) {
                    lastRejectionLog = now;
                    LOG.warning("heartbeat rejected" + (r.name().isEmpty() ? "" : " for " + r.name()) + ": " + r.why()
                            + " (" + engine.rejectedHeartbeats + " rejected so far; logged at most once a minute)");
                }
            }
        }
    }

    void on(String name, long pid, Event event) {
        var p = at(name, pid);
        if (p != null) engine.apply(p, event);
    }

    /** The process of this name that runs this pid: the one set aside in a reload if it is that one's. */
    private Proc at(String name, long pid) {
        var p = engine.procs.get(name);
        var other = engine.aside.isEmpty() ? null : engine.aside.get(name);
        return other != null && other.pid == pid && (p == null || p.pid != pid) ? other : p;
    }
}
