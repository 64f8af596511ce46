package pm.daemon.engine;

import pm.core.Dependencies;
import pm.core.ProcessSpec;
import pm.core.ProcessState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Starts and stops in the order of the apps' dependencies (depends_on): what a start waits for, the
 * waiting apps released once their dependencies are ready, and stops in waves, dependents first. Engine
 * thread only.
 */
final class Ordering {
    private final Engine engine;

    Ordering(Engine engine) {
        this.engine = engine;
    }

    /** A start or restart with what the app still waits for among its dependencies; any other event as it is. */
    Event ready(Proc p, Event event) {
        return switch (event) {
            case Event.Start s -> new Event.Start(Readiness.waitingFor(p, engine.procs));
            case Event.Restart r -> new Event.Restart(Readiness.waitingFor(p, engine.procs));
            default -> event;
        };
    }

    /** Starts the waiting apps whose dependencies are ready now, and keeps the reasons of the others current. */
    void release() {
        boolean started = true;
        // Again while one started: an app may be waiting for it to be started (a chain resolves in one step).
        for (int round = 0; started && round <= engine.procs.size(); round++) {
            started = false;
            for (var p : engine.procs.values()) {
                if (p.state != ProcessState.WAITING) continue;
                String waiting = Readiness.waitingFor(p, engine.procs);
                if (waiting.isEmpty() || !p.reason.equals("waiting for " + waiting)) {
                    engine.apply(p, new Event.Start(waiting));
                    started |= waiting.isEmpty();
                }
            }
        }
    }

    /**
     * Stops the named apps dependents first, in waves (each once the one before is down: {@link
     * Dependencies#stopWaves}), then runs {@code then}.
     */
    void stopInOrder(List<String> names, boolean force, Runnable then) {
        var specs = new LinkedHashMap<String, ProcessSpec>();
        for (var p : engine.procs.values()) specs.put(p.spec.name(), p.spec);
        // The waves are of apps; each takes the named copies of its apps.
        var apps = new ArrayList<String>();
        for (String n : names) if (!apps.contains(engine.procs.get(n).spec.name())) apps.add(engine.procs.get(n).spec.name());
        var waves = new ArrayList<List<String>>();
        for (var wave : Dependencies.stopWaves(apps, Dependencies.of(List.copyOf(specs.values())))) {
            var copies = new ArrayList<String>();
            for (String n : names) if (wave.contains(engine.procs.get(n).spec.name())) copies.add(n);
            waves.add(copies);
        }
        stopWave(waves, 0, force, then);
    }

    private void stopWave(List<List<String>> waves, int i, boolean force, Runnable then) {
        if (i == waves.size()) {
            then.run();
            return;
        }
        for (String n : waves.get(i)) {
            var p = engine.procs.get(n);
            if (p != null) engine.apply(p, new Event.Stop(force));
        }
        // Settled, not down: a start that came meanwhile brings an app back up, and the wave must not wait on it forever.
        engine.await(waves.get(i), Proc::settled, () -> stopWave(waves, i + 1, force, then));
    }
}
