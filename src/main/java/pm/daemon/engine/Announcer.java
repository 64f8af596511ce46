package pm.daemon.engine;

import pm.core.Health;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.daemon.events.EventRing;
import pm.daemon.events.ProcessEvent;

import java.util.HashMap;
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
    /** The registered names the ring was last told about, as status shows them (NAME:i for copies), and their specs. */
    private final Map<String, ProcessSpec> known = new HashMap<>();
    /** Set when a spec changed: a count of copies that crosses one renames copy 0 (NAME and NAME:0). */
    private boolean renamed;

    void reportTo(EventRing ring, Map<String, Proc> procs) {
        this.ring = ring;
        for (var p : procs.values()) known.put(p.shownName(), p.spec);
    }

    /** A spec was replaced: the next {@link #roster} compares the names, even if the number of processes is the same. */
    void specsChanged() {
        renamed = true;
    }

    boolean on() {
        return ring != null;
    }

    /** After one event: {@code from}, {@code health}, {@code restarts}, {@code beat} and {@code reason} as they were before it. */
    void changed(Proc p, Event event, ProcessState from, Health health, int restarts, long beat, String reason, long nowMillis) {
        // The name status shows, so a client can tell the copies of an app apart.
        String name = p.shownName();
        // The cause first: a heartbeat lost, then the restart and state changes it led to.
        if (event instanceof Event.BeatLost l && l.pid() == p.pid && p.pid != 0 && silent.add(name)) {
            ring.append(new ProcessEvent.HeartbeatChanged(nowMillis, name, false, p.lastBeatAtMillis));
        } else if (event instanceof Event.Beat && p.lastBeatAtMillis != beat && (beat == 0 || silent.remove(name))) {
            ring.append(new ProcessEvent.HeartbeatChanged(nowMillis, name, true, p.lastBeatAtMillis));
        }
        // Why: what the backoff said, or for a restart at once (no backoff in between) what the machine says now.
        if (p.restarts > restarts)
            ring.append(new ProcessEvent.Restarted(nowMillis, name, p.restarts, from == ProcessState.BACKOFF ? reason : p.reason));
        if (p.state != from) ring.append(new ProcessEvent.StateChanged(nowMillis, name, from, p.state, p.reason, p.pid, p.restarts));
        if (p.health != health) ring.append(new ProcessEvent.HealthChanged(nowMillis, name, health, p.health, p.probeDetail));
        if (p.pid == 0) silent.remove(name);
    }

    /**
     * After a step: processes registered, updated (a new spec: {@code pm update}, a scale) or removed since
     * the last one. A size check when none were and no spec changed: one step handles one command, so it
     * cannot register one and remove another.
     */
    void roster(Map<String, Proc> procs, Engine engine, long nowMillis) {
        if (procs.size() == known.size() && !renamed) return;
        renamed = false;
        var names = new HashSet<String>();
        for (var p : procs.values()) {
            String name = p.shownName();
            names.add(name);
            var before = known.put(name, p.spec);
            if (before == null) ring.append(new ProcessEvent.Registered(nowMillis, name, Views.status(p, engine.home, nowMillis)));
            else if (!before.equals(p.spec)) ring.append(new ProcessEvent.Updated(nowMillis, name, Views.status(p, engine.home, nowMillis)));
        }
        for (var it = known.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                it.remove();
                silent.remove(name);
                ring.append(new ProcessEvent.Unregistered(nowMillis, name));
            }
        }
    }
}
