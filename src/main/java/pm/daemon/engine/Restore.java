package pm.daemon.engine;

import pm.core.ExitOutcome;
import pm.core.PmException;
import pm.core.ProcessState;
import pm.daemon.controller.Processes;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.util.ArrayList;
import java.util.Map;

/**
 * What a new daemon does first: loads the registry, adopts each copy an earlier daemon left running,
 * takes back the listening sockets its apps hold, then (in the engine's first step) starts what should
 * run and was not adopted.
 */
final class Restore {
    private final Engine engine;
    private final Registry registry;
    private final RunFile runFile;
    private final Processes processes;

    Restore(Engine engine, Registry registry, RunFile runFile, Processes processes) {
        this.engine = engine;
        this.registry = registry;
        this.runFile = runFile;
        this.processes = processes;
    }

    void run() {
        var loaded = registry.load();
        if (!loaded.warning().isEmpty()) engine.warnings.add(loaded.warning());
        var saved = runFile.load();
        for (var e : loaded.entries()) {
            engine.nextId = Math.max(engine.nextId, e.id() + 1);
            var live = new ArrayList<Long>();
            for (int i = 0; i < e.spec().copies().count(); i++) {
                var copy = new Proc(e.id(), e.spec(), e.wanted(), i);
                restore(copy, saved);
                if (copy.pid != 0) live.add(copy.pid);
            }
            if (e.spec().copies().sockets().isEmpty()) continue;
            // Taken back from a live copy: the same socket, whose queue may hold connections already.
            try {
                processes.holdSockets(e.spec().copies().sockets(), live);
            } catch (PmException x) {
                engine.warnings.add(e.spec().name() + ": " + x.getMessage());
            }
        }
    }

    /** Adopts the copy's run if it is still the one the run file names; else its policy decides, as for any exit, in run(). */
    private void restore(Proc p, Map<String, RunFile.Saved> saved) {
        engine.procs.put(p.name(), p);
        var run = saved.get(p.name());
        if (run == null) return;
        var adopted = processes.adopt(p.name(), run.pid(), run.startTime());
        if (adopted.isPresent()) {
            p.adopt(adopted.get(), run.startedAtMillis(), run.restarts(), run.secret(), engine.clock.nanos(), engine.clock.millis());
        } else {
            p.lastExit = new ExitOutcome.Unknown();
            p.restarts = run.restarts();
        }
    }

    /** After a restore: start what should run and is not adopted; an app that ended unseen gets its policy. */
    static void start(Engine engine, Proc p) {
        // Adopted in the middle of a stop (the last daemon died meanwhile): finish the stop.
        if (!p.wanted && p.pid != 0) {
            engine.apply(p, new Event.Stop(false));
            return;
        }
        if (!p.wanted || p.pid != 0) return;
        if (p.lastExit instanceof ExitOutcome.Unknown u && !p.spec.restartPolicy().restartsAfter(u)) {
            p.state = ProcessState.EXITED;
            p.reason = u.describe() + " while no daemon ran; policy " + p.spec.restartPolicy().wireName() + " does not restart it";
            return;
        }
        engine.apply(p, new Event.Start());
    }

}
