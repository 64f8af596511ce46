package pm.daemon.engine;

import pm.core.ExitOutcome;
import pm.core.PmException;
import pm.core.ProcessState;
import pm.daemon.controller.Processes;
import pm.daemon.procfs.RunMark;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a daemon does as it starts: loads the registry and takes over every run an earlier daemon left,
 * so a daemon restart or crash never starts an app twice. A run is taken from the run file (same pid and
 * start time), or, when the file does not name it (a daemon killed between a spawn and writing it, a run
 * file set aside as corrupt), from a scan of {@code /proc} for its mark ({@link RunMark}). A registry entry
 * that could not be loaded keeps its process running, and a warning names it. An app with several copies
 * is one entry and one process per copy, each adopted on its own; the listening sockets its copies hold
 * are taken back from a live copy. A run a reload had set aside when its daemon ended (a replacement not
 * yet ready, or an old run being retired) is taken over too, and one of the two runs of that copy stopped
 * ({@link #leftover}). Then (in the engine's first step) what should run and was not adopted is started,
 * and what was set aside stopped ({@link #start}).
 */
final class Restore {
    private final Engine engine;
    private final Processes processes;

    Restore(Engine engine, Processes processes) {
        this.engine = engine;
        this.processes = processes;
    }

    void run(Registry.Loaded loaded, RunFile.Loaded runs) {
        if (!loaded.warning().isEmpty()) engine.warnings.add(loaded.warning());
        if (!runs.warning().isEmpty()) engine.warnings.add(runs.warning());
        var saved = runs.runs();
        var unseen = new ArrayList<Proc>();
        for (var e : loaded.entries()) {
            engine.nextId = Math.max(engine.nextId, e.id() + 1);
            for (int i = 0; i < e.spec().copies().count(); i++) {
                var p = new Proc(e.id(), e.spec(), e.wanted(), i);
                engine.procs.put(p.name(), p);
                if (!adopt(p, saved.get(p.name()))) unseen.add(p);
            }
        }
        for (var u : loaded.unreadable()) engine.nextId = Math.max(engine.nextId, u.id() + 1);
        // One pass over /proc (about 15 ms for 100 processes, cold), only where a run may be missing from the
        // record: an app that should run has none on record (a start or restart writes that wish before its
        // spawn; a stop writes the other before its signal, and its run stays on record until it ends), a
        // reload's replacement was about to be spawned, the run file was lost, or an entry was not loaded.
        boolean lost = !runs.warning().isEmpty() || runs.aside().containsValue(RunFile.Saved.PENDING);
        Map<Long, RunMark.Found> found = Map.of();
        if (unseen.stream().anyMatch(p -> p.wanted) || lost || !loaded.unreadable().isEmpty()) {
            // The runs the run file names for a loaded app are accounted for (adopted, or ended); one it names
            // otherwise (an entry renamed by hand) is looked for like any other.
            Set<Long> known = new HashSet<>();
            saved.forEach((name, r) -> {
                if (engine.procs.containsKey(name)) known.add(r.serial());
            });
            runs.aside().forEach((name, r) -> known.add(r.serial()));
            found = processes.unrecorded(known);
            for (var p : unseen) {
                var f = found.get(RunMark.key(p.id, p.copy));
                if (f == null) continue;
                var adopted = processes.adopt(p.name(), f.pid(), f.startTime(), f.cgroup(), f.serial());
                if (adopted.isEmpty()) continue;
                p.lastExit = null;
                p.adopt(adopted.get(), startedAtMillis(f), p.restarts, f.secret(), engine.clock.nanos(), engine.clock.millis(),
                        "found running by its mark (PM_RUN_ID): the last daemon ended before it recorded this run");
            }
            for (var u : loaded.unreadable()) unmanaged(u, saved, found);
        }
        for (var e : runs.aside().entrySet()) leftover(e.getKey(), e.getValue(), saved.get(e.getKey()), found);
        for (var e : loaded.entries()) {
            if (e.spec().copies().sockets().isEmpty()) continue;
            // Taken back from a live run of a copy: the same socket, whose queue may hold connections already.
            var live = new ArrayList<Long>();
            for (var p : engine.all()) if (p.id == e.id() && p.pid != 0) live.add(p.pid);
            try {
                processes.holdSockets(e.spec().copies().sockets(), live);
            } catch (PmException x) {
                engine.warnings.add(e.spec().name() + ": " + x.getMessage());
            }
        }
    }

    /**
     * A run the last daemon had set aside in a reload when it ended: the replacement it started, or the old
     * run it was retiring once the replacement was ready. Left alone it would run on unmanaged and keep the
     * app's socket bound. The copy keeps the run the run file names for it, as that daemon had it: the old
     * one until the replacement was ready, the replacement after. That is the last daemon's own decision,
     * needs no guess at readiness now, and never takes away the run that was serving; the other run is
     * stopped as a group, gracefully ({@link Reload#leftover}). Only where the copy's own run ended while no
     * daemon ran does its replacement take its place, rather than a live run being stopped to start another.
     */
    private void leftover(String name, RunFile.Saved run, RunFile.Saved copyRun, Map<Long, RunMark.Found> found) {
        var p = engine.procs.get(name);
        if (p == null) return; // its entry was not loaded: left running, as the copy's own run is (unmanaged warns of that one)
        boolean pending = run.pid() == 0; // a replacement the run file names before its spawn: by its mark, if it was spawned
        var f = pending ? found.get(RunMark.key(p.id, p.copy)) : null;
        long pid = pending ? (f == null ? 0 : f.pid()) : run.pid();
        if (pid == 0 || pid == p.pid) return;
        var adopted = pending ? processes.adopt(name, pid, f.startTime(), f.cgroup(), f.serial())
                : processes.adopt(name, pid, run.startTime(), run.cgroup(), run.serial());
        if (adopted.isEmpty()) return; // ended meanwhile
        long startedAt = pending ? startedAtMillis(f) : run.startedAtMillis();
        String secret = pending ? f.secret() : run.secret();
        boolean replacement = pending || copyRun == null || run.serial() > copyRun.serial();
        if (replacement && p.pid == 0 && p.wanted) {
            p.lastExit = null;
            p.adopt(adopted.get(), startedAt, p.restarts, secret, engine.clock.nanos(), engine.clock.millis(),
                    "adopted from an earlier daemon, which ended during a reload: the replacement it started (this copy's own run had ended)");
            return;
        }
        var left = new Proc(p.id, p.spec, false, p.copy);
        left.adopt(adopted.get(), startedAt, 0, secret, engine.clock.nanos(), engine.clock.millis(), "set aside by a reload the last daemon did not finish");
        engine.aside.put(name, left);
        engine.reloads.add(Reload.leftover(engine, left));
        if (replacement && p.pid != 0)
            p.reason = "adopted from an earlier daemon, which ended during a reload: its replacement was stopped and this copy runs as before"
                    + " (reload again to replace it)";
    }

    /**
     * A registry entry that was not loaded and whose process still runs: it is left running (pm cannot
     * tell what it should do with it), and named in a warning so no one loses track of it.
     */
    private void unmanaged(Registry.Unreadable u, Map<String, RunFile.Saved> saved, Map<Long, RunMark.Found> found) {
        long pid = 0;
        var run = u.name().isEmpty() || engine.procs.containsKey(u.name()) ? null : saved.get(u.name());
        if (run != null && pm.daemon.procfs.ProcFs.isSameLiveProcess(run.pid(), run.startTime())) pid = run.pid();
        var f = u.id() < 0 || engine.procs.values().stream().anyMatch(p -> p.id == u.id()) ? null : found.get(RunMark.key(u.id(), 0));
        if (pid == 0 && f != null) pid = f.pid();
        if (pid == 0) return;
        engine.warnings.add("the registry entry " + (u.name().isEmpty() ? "" : "'" + u.name() + "' ") + (u.id() < 0 ? "" : "(id " + u.id() + ") ")
                + "was not loaded, and its process " + pid + " was running when the daemon started: pm leaves it running"
                + " but does not manage it; mend the entry in " + engine.home.registry() + " and run pm daemon restart to adopt it,"
                + " or end it with kill -TERM -" + pid);
    }

    /** When the found run started, from its start time in clock ticks after boot. */
    private long startedAtMillis(RunMark.Found f) {
        long boot = pm.daemon.procfs.ProcFs.bootMillis();
        return boot == 0 ? engine.clock.millis() : boot + f.startTime() * 10; // 100 ticks a second on Linux
    }

    /** Adopts the run the run file names for this copy if it still runs; false if it does not (or none is named). */
    private boolean adopt(Proc p, RunFile.Saved run) {
        var adopted = run == null ? java.util.Optional.<Processes.Run>empty()
                : processes.adopt(p.name(), run.pid(), run.startTime(), run.cgroup(), run.serial());
        if (adopted.isPresent()) {
            p.adopt(adopted.get(), run.startedAtMillis(), run.restarts(), run.secret(), engine.clock.nanos(),
                    engine.clock.millis(), "adopted from an earlier daemon");
            return true;
        }
        if (run != null) {
            // It ended while no daemon ran: its policy decides, as for any exit, in run().
            p.lastExit = new ExitOutcome.Unknown();
            p.restarts = run.restarts();
        }
        return false;
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
        engine.apply(p, engine.order.ready(p, new Event.Start()));
    }
}
