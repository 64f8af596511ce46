package pm.daemon.engine;

import pm.core.Health;
import pm.core.ProcessState;
import pm.daemon.events.EventRing;
import pm.daemon.events.ProcessEvent;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tells the event ring what an event changed in a process, from the fields the engine saw before and
 * after the state machine ran: state, health, heartbeats, automatic restarts; and which processes came
 * and went. Engine thread only. Without a ring it does nothing, so a daemon without its HTTP side pays
 * one null check per event.
 */
final class Announcer {
    private EventRing ring;
    /** Processes whose heartbeats went silent, until they beat again. */
    private final Set<String> silent = new HashSet<>();
    /** The registered names the ring was last told about. */
    private final Set<String> known = new HashSet<>();

    void reportTo(EventRing ring, Map<String, Proc> procs) {
        this.ring = ring;
        known.addAll(procs.keySet());
    }

    boolean on() {
        return ring != null;
    }

    /** After one event: {@code from}, {@code health}, {@code restarts}, {@code beat} and {@code reason} as they were before it. */
    void changed(Proc p, Event event, ProcessState from, Health health, int restarts, long beat, String reason, long nowMillis) {
        String name = p.spec.name();
        // The cause first: a heartbeat lost, then the restart and state changes it led to.
        if (event instanceof Event.BeatLost l && l.pid() == p.pid && p.pid != 0 && silent.add(name)) {
            ring.append(new ProcessEvent.HeartbeatChanged(nowMillis, name, false, p.lastBeatAtMillis));
        } else if (event instanceof Event.Beat && p.lastBeatAtMillis != beat && (beat == 0 || silent.remove(name))) {
            ring.append(new ProcessEvent.HeartbeatChanged(nowMillis, name, true, p.lastBeatAtMillis));
        }
        if (p.restarts > restarts) ring.append(new ProcessEvent.Restarted(nowMillis, name, p.restarts, reason));
        if (p.state != from) ring.append(new ProcessEvent.StateChanged(nowMillis, name, from, p.state, p.reason, p.pid, p.restarts));
        if (p.health != health) ring.append(new ProcessEvent.HealthChanged(nowMillis, name, health, p.health, p.probeDetail));
        if (p.pid == 0) silent.remove(name);
    }

    /**
     * After a step: processes registered or removed since the last one. A size check when none were: one
     * step handles one command, so it cannot register one and remove another.
     */
    void roster(Map<String, Proc> procs, Engine engine, long nowMillis) {
        if (procs.size() == known.size()) return;
        for (var p : procs.values()) {
            if (known.add(p.spec.name()))
                ring.append(new ProcessEvent.Registered(nowMillis, p.spec.name(), Views.status(p, engine.home, nowMillis)));
        }
        for (var it = known.iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!procs.containsKey(name)) {
                it.remove();
                silent.remove(name);
                ring.append(new ProcessEvent.Unregistered(nowMillis, name));
            }
        }
    }
}
