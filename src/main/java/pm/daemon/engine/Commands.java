package pm.daemon.engine;

import pm.core.Dependencies;
import pm.core.ErrorCode;
import pm.core.Health;
import pm.core.Names;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.SpecDiff;
import pm.daemon.logs.Rotator;
import pm.daemon.registry.Registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The daemon's side of each protocol command. Runs on the engine thread only. Commands that change
 * state persist the desired state first, so an acknowledged change survives a crash, and reply only
 * when the change is done (a start once spawned, a stop once the whole group is gone).
 */
final class Commands {
    private final Engine engine;
    final Targets targets;

    Commands(Engine engine) {
        this.engine = engine;
        this.targets = new Targets(engine);
    }

    void handle(String cmd, Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        boolean readOnly = cmd.equals("ping") || cmd.equals("status") || cmd.equals("list") || cmd.equals("describe");
        if (engine.shuttingDown && !readOnly && !cmd.equals("shutdown"))
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon is shutting down; run the command again in a moment");
        if (!engine.reloads.isEmpty() && WAIT_FOR_RELOAD.contains(cmd))
            refuseDuringReload(targets.apps(targets.of(args)), "; " + cmd + " it once the reload has ended (pm reload returns then)");
        switch (cmd) {
            case "ping" -> reply.complete(Map.of("pid", ProcessHandle.current().pid(), "warnings", List.copyOf(engine.warnings)));
            case "register" -> reply.complete(register(args));
            case "update" -> update(args, reply);
            case "unregister" -> unregister(args, reply);
            case "start" -> change(targets.of(args), new Event.Start(), true, Proc::settled, reply);
            case "stop" -> change(targets.of(args), new Event.Stop(bool(args, "force")), false, Proc::settled, reply);
            case "restart" -> restart(args, reply);
            case "apply" -> new Apply(engine, this).run(args, reply);
            case "reload" -> Reload.start(engine, this, args, reply);
            case "scale" -> new Scale(engine, targets).scale(args, reply);
            case "status" -> reply.complete(status(args));
            case "list" -> reply.complete(list());
            case "flush" -> reply.complete(flush(targets.of(args)));
            case "describe" -> reply.complete(Map.of("process",
                    Views.describe(engine.procs.get(targets.of(args).getFirst()), engine.home, engine.clock.millis()).toJson()));
            case "shutdown" -> shutdown(bool(args, "stop_apps"), reply);
            default -> throw new PmException(ErrorCode.BAD_REQUEST, "unknown command '" + cmd + "'");
        }
    }

    /** Changes that would race a reload of the same app (a stop undone by the replacement, a count scaled twice). */
    private static final Set<String> WAIT_FOR_RELOAD = Set.of("stop", "restart", "scale", "update", "unregister");

    /** Refuses a command on an app being reloaded (it would be undone, or undo part of the reload), saying {@code what} to do. */
    void refuseDuringReload(List<String> apps, String what) {
        for (var r : engine.reloads)
            if (apps.contains(r.app())) throw new PmException(ErrorCode.BUSY, r.app() + " is being reloaded" + what);
    }

    /** Registers a spec; the same spec under its name again is no change, another one is refused. */
    private Map<String, Object> register(Map<String, Object> args) {
        var spec = spec(args);
        var existing = engine.procs.get(spec.name());
        if (existing != null) {
            if (existing.spec.equals(spec)) return Map.of("process", view(existing), "unchanged", true);
            throw new PmException(ErrorCode.ALREADY_EXISTS, "a process named '" + spec.name() + "' is already registered with another spec (it differs in "
                    + String.join(", ", SpecDiff.between(existing.spec, spec).keys()) + "): update it with "
                    + Targets.pm(args) + " update " + spec.name() + ", or pick another --name");
        }
        String problem = ProcessSpec.newNameProblem(spec.name());
        if (!problem.isEmpty()) throw PmException.invalid("--name " + problem);
        targets.unloaded.refuseName(spec.name(), Targets.pm(args));
        checkDependencies(specsWith(List.of(spec), List.of()), Targets.pm(args));
        targets.holdSockets(spec);
        var entries = targets.entries();
        entries.add(new Registry.Entry(engine.nextId, spec, false));
        engine.registry.save(entries);
        Proc first = null;
        for (int i = 0; i < spec.copies().count(); i++) {
            var copy = new Proc(engine.nextId, spec, false, i);
            engine.procs.put(copy.name(), copy);
            if (first == null) first = copy;
        }
        engine.nextId++;
        return Map.of("process", view(first));
    }

    /**
     * Replaces an app's spec in place (its name stays). The registry is written once; a running app is
     * restarted only when a field that matters at spawn changed, else the new spec takes effect as it
     * runs: the monitor gets it with the next snapshot. Replies with the fields that changed.
     */
    private void update(Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        var names = targets.apps(targets.of(args));
        if (names.size() != 1) throw new PmException(ErrorCode.BAD_REQUEST, "update takes one app");
        var p = engine.procs.get(names.getFirst());
        if (p.removing) throw new PmException(ErrorCode.NOT_FOUND, "'" + p.spec.name() + "' is being unregistered");
        var spec = spec(args);
        if (!spec.name().equals(p.spec.name()))
            throw PmException.invalid("--name cannot change: an app's name is its key (its logs, its entry); to rename "
                    + p.spec.name() + ", unregister it and register it under the new name");
        var diff = SpecDiff.between(p.spec, spec);
        if (diff.isEmpty()) {
            reply.complete(updated(p, diff, false));
            return;
        }
        checkDependencies(specsWith(List.of(spec), List.of()), Targets.pm(args));
        targets.holdSockets(spec);
        var entries = new ArrayList<Registry.Entry>();
        for (var e : targets.entries()) entries.add(e.id() == p.id ? new Registry.Entry(p.id, spec, e.wanted()) : e);
        engine.registry.save(entries);
        var before = Targets.copyNames(targets.copies(p.spec.name()));
        var restart = respec(p, spec, diff);
        if (restart.isEmpty()) {
            // A smaller count stops copies: the reply waits for them.
            engine.await(before, Proc::settled, () -> reply.complete(updated(p, diff, false)));
            return;
        }
        var failuresBefore = new HashMap<String, Integer>();
        for (String n : restart) failuresBefore.put(n, engine.procs.get(n).spawnFailures);
        for (String n : restart) engine.apply(engine.procs.get(n), engine.order.ready(engine.procs.get(n), new Event.Restart()));
        engine.await(restart, Proc::settled, () -> {
            var failed = new ArrayList<String>();
            for (String n : restart) {
                var c = engine.procs.get(n);
                if (c != null && c.state == ProcessState.FATAL && c.spawnFailures > failuresBefore.get(n)) failed.add(c.reason);
            }
            if (!failed.isEmpty())
                reply.completeExceptionally(new PmException(ErrorCode.SPAWN_FAILED, spec.name() + ": updated "
                        + String.join(", ", diff.keys()) + ", but failed to start: " + failed.getFirst()));
            else reply.complete(updated(p, diff, true));
        });
    }

    /**
     * Gives every copy of the app its new spec, which the monitor gets with this step's snapshot: a changed
     * count starts or stops copies, leaving the others running. Returns the copies that are up (spawned
     * and not stopping), which a change that matters at spawn restarts.
     */
    List<String> respec(Proc p, ProcessSpec spec, SpecDiff diff) {
        boolean checkChanged = !p.spec.healthCheck().equals(spec.healthCheck());
        var copies = targets.copies(p.spec.name());
        for (var c : copies) c.spec = spec;
        Scale.resize(engine, copies, spec.copies().count());
        var restart = new ArrayList<String>();
        for (var c : targets.copies(spec.name())) {
            boolean up = c.pid != 0 && (c.state == ProcessState.RUNNING || c.state == ProcessState.STARTING);
            if (up && checkChanged && !diff.needsRestart()) {
                // Another check: what the old one found says nothing about the new one.
                c.probeHealth = spec.healthCheck().isEmpty() ? Health.NONE : Health.UNKNOWN;
                c.probeFailures = 0;
                c.probeDetail = "";
                Machine.judge(c);
            }
            if (up && diff.needsRestart()) restart.add(c.name());
        }
        engine.specChanged();
        targets.releaseSockets();
        return restart;
    }

    /** The registered specs with {@code changed} put in (by name) and {@code gone} left out. */
    List<ProcessSpec> specsWith(List<ProcessSpec> changed, java.util.Collection<String> gone) {
        var byName = new LinkedHashMap<String, ProcessSpec>();
        for (var p : engine.procs.values()) if (!gone.contains(p.spec.name())) byName.put(p.spec.name(), p.spec);
        for (var s : changed) byName.put(s.name(), s);
        return List.copyOf(byName.values());
    }

    /** Refuses a set of specs where an app depends on one that is not among them, or on itself through others. */
    static void checkDependencies(List<ProcessSpec> specs, String pm) {
        var names = new java.util.HashSet<String>();
        for (var s : specs) names.add(s.name());
        var problems = new ArrayList<String>();
        for (var s : specs) {
            for (String d : new java.util.TreeSet<>(s.dependsOn().keySet())) {
                if (names.contains(d)) continue;
                String near = Names.nearest(d, names);
                problems.add(s.name() + " depends on " + d + ", which is not registered"
                        + (near.isEmpty() ? "; register it first (" + pm + " list shows the registered ones)" : "; did you mean " + near + "?"));
            }
        }
        for (var cycle : Dependencies.cycles(Dependencies.of(specs)))
            problems.add("a dependency cycle: " + Dependencies.describe(cycle) + "; no app of it could ever start");
        if (!problems.isEmpty()) throw PmException.invalid(String.join("\n", problems));
    }

    private Map<String, Object> updated(Proc p, SpecDiff diff, boolean restarted) {
        return Map.of("process", view(p), "changed", diff.keys(), "restarted", restarted);
    }

    @SuppressWarnings("unchecked")
    private static ProcessSpec spec(Map<String, Object> args) {
        if (!(args.get("spec") instanceof Map<?, ?> raw)) throw new PmException(ErrorCode.BAD_REQUEST, "a spec is needed");
        return ProcessSpec.fromJson((Map<String, Object>) raw);
    }

    Object view(Proc p) {
        return Views.status(p, engine.home, engine.clock.millis()).toJson();
    }

    /** Stops the processes, then removes them; meanwhile they refuse starts, so none can come back up. */
    private void unregister(Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        if (!bool(args, "all") && targets.unloaded.unregister(Targets.words(args), Targets.pm(args), targets.entries(), reply)) return;
        var given = targets.of(args);
        var apps = targets.apps(given);
        var names = new ArrayList<String>();
        for (String app : apps) names.addAll(Targets.copyNames(targets.copies(app)));
        if (!names.containsAll(given) || names.size() != given.size())
            throw PmException.invalid("one copy cannot be unregistered: " + Targets.pm(args) + " scale NAME N keeps the first N copies");
        var needed = new ArrayList<String>();
        for (var q : engine.procs.values()) {
            if (q.copy != 0 || apps.contains(q.spec.name())) continue;
            for (String d : q.spec.dependsOn().keySet()) if (apps.contains(d)) needed.add(q.spec.name() + " depends on " + d);
        }
        if (!needed.isEmpty())
            throw PmException.invalid("cannot unregister: " + String.join(", ", needed) + "; unregister those too, or free them with "
                    + Targets.pm(args) + " update NAME --depends-on '' (or --depends-on with the apps to keep)");
        for (String n : names) engine.procs.get(n).removing = true;
        engine.order.stopInOrder(names, false, () -> {
            var remaining = targets.entries();
            remaining.removeIf(e -> apps.contains(e.spec().name()));
            try {
                engine.registry.save(remaining);
            } catch (PmException e) {
                for (String n : names) if (engine.procs.get(n) != null) engine.procs.get(n).removing = false;
                reply.completeExceptionally(e);
                return;
            }
            var removed = new ArrayList<Object>();
            for (String n : names) {
                var p = engine.remove(n);
                if (p != null && p.copy == 0) removed.add(view(p));
            }
            targets.releaseSockets();
            reply.complete(Map.of("processes", removed));
        });
    }

    private void restart(Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        var names = targets.of(args);
        mergeEnv(names, args);
        change(names, new Event.Restart(), true, Proc::settled, reply);
    }

    /** A changed environment ({@code env} in a restart or reload) takes effect on this start, and is kept for later ones. */
    void mergeEnv(List<String> names, Map<String, Object> args) {
        var env = Args.env(args);
        if (env.isEmpty()) return;
        var changed = new LinkedHashMap<String, ProcessSpec>();
        for (String app : targets.apps(names)) {
            var spec = targets.copies(app).getFirst().spec;
            var merged = new LinkedHashMap<>(spec.env());
            merged.putAll(env);
            changed.put(app, spec.withEnv(merged));
        }
        targets.saveSpecs(changed);
    }

    /** Persists the new desired state, feeds the event to each process and replies once all settle. */
    private void change(List<String> names, Event event, boolean wanted, Predicate<Proc> done,
                        CompletableFuture<Map<String, Object>> reply) {
        for (String n : names) {
            if (wanted && engine.procs.get(n).removing)
                throw new PmException(ErrorCode.NOT_FOUND, "'" + n + "' is being unregistered");
        }
        // An app is wanted while any of its copies is: its entry is written with the copies' new wishes.
        var before = new HashMap<String, Boolean>();
        for (String n : names) before.put(n, engine.procs.get(n).wanted);
        try {
            for (String n : names) engine.procs.get(n).wanted = wanted;
            engine.registry.save(targets.entries());
        } catch (PmException e) {
            before.forEach((n, w) -> engine.procs.get(n).wanted = w);
            throw e;
        }
        var failuresBefore = new HashMap<String, Integer>();
        for (String n : names) failuresBefore.put(n, engine.procs.get(n).spawnFailures);
        Runnable answer = () -> engine.await(names, done, () -> {
            var failed = new ArrayList<String>();
            for (String n : names) {
                var p = engine.procs.get(n);
                if (wanted && p != null && p.state == ProcessState.FATAL && p.spawnFailures > failuresBefore.get(n))
                    failed.add(n + ": " + p.reason);
            }
            // Its own code, so no client has to guess from states: one line per app that could not be spawned.
            if (failed.isEmpty()) reply.complete(Map.of("processes", targets.views(names)));
            else reply.completeExceptionally(new PmException(ErrorCode.SPAWN_FAILED, String.join("\n", failed)));
        });
        // Dependents stop before what they depend on; starts go all at once, each app waiting for its dependencies.
        if (event instanceof Event.Stop stop) {
            engine.order.stopInOrder(names, stop.force(), answer);
            return;
        }
        for (String n : names) engine.apply(engine.procs.get(n), engine.order.ready(engine.procs.get(n), event));
        answer.run();
    }

    private Map<String, Object> status(Map<String, Object> args) {
        var names = Targets.copyNames(args.containsKey("name") || args.containsKey("names") ? targets.procs(targets.of(args)) : targets.ordered());
        // recent: each entry also carries its last samples (pm top draws them for every app).
        var views = targets.views(names, bool(args, "recent"));
        // The table asks for its columns only: a third of the bytes to write, send and parse.
        if (args.get("fields") instanceof List<?> fields) {
            var keep = new HashSet<Object>(fields);
            for (Object v : views) ((Map<?, ?>) v).keySet().retainAll(keep);
        }
        var result = new LinkedHashMap<String, Object>();
        result.put("processes", views);
        result.put("warnings", List.copyOf(engine.warnings));
        result.put("rejected_heartbeats", engine.rejectedHeartbeats);
        return result;
    }

    /** Empties the named processes' logs and deletes their rotated files. */
    private Map<String, Object> flush(List<String> names) {
        var done = new ArrayList<Object>();
        for (String n : names) {
            var logs = engine.procs.get(n).spec.logs();
            try {
                Rotator.flush(engine.home.outLog(n), logs.keep());
                Rotator.flush(engine.home.errLog(n), logs.keep());
            } catch (java.io.IOException e) {
                throw new PmException(ErrorCode.STORAGE, "cannot flush the logs of " + n + ": " + e.getMessage());
            }
            done.add(n);
        }
        return Map.of("flushed", done);
    }

    private Map<String, Object> list() {
        var specs = new ArrayList<Object>();
        for (var p : engine.procs.values()) if (p.copy == 0) specs.add(Views.spec(p, targets.wanted(p.spec.name())));
        return Map.of("processes", specs);
    }

    /**
     * Ends the daemon. By default the apps keep running and the next daemon adopts them; with
     * {@code stopApps} (pm kill) every app is recorded as stopped, so they stay stopped until started
     * again, and then stopped. A registry that cannot be written (a full disk) does not keep the apps
     * running: they are stopped anyway and the reply warns that the next daemon will start them again. The
     * reply names the daemon's pid, so the client can wait until its process is gone.
     */
    private void shutdown(boolean stopApps, CompletableFuture<Map<String, Object>> reply) {
        engine.shuttingDown = true;
        var running = new ArrayList<String>();
        for (var p : engine.procs.values()) if (p.pid != 0 || p.state == ProcessState.BACKOFF) running.add(p.name());
        if (!stopApps) {
            engine.finish();
            reply.complete(Map.of("running", running.size(), "stopped", 0, "pid", ProcessHandle.current().pid()));
            return;
        }
        String warning = "";
        var entries = new ArrayList<Registry.Entry>();
        for (var e : targets.entries()) entries.add(e.withWanted(false));
        try {
            engine.registry.save(entries);
        } catch (PmException e) {
            warning = "could not record the apps as stopped, so the next daemon starts again those that were meant to run: "
                    + e.getMessage();
        }
        for (var p : engine.procs.values()) p.wanted = false;
        for (String n : running) engine.apply(engine.procs.get(n), new Event.Stop(false));
        // A reload's second run of a copy too: the daemon must not end and leave it running unmanaged.
        for (var p : List.copyOf(engine.aside.values())) if (p.pid != 0) engine.apply(p, new Event.Stop(false));
        String w = warning;
        engine.await(List.copyOf(engine.procs.keySet()), p -> p.settled() && !(engine.aside.get(p.name()) instanceof Proc a && a.pid != 0), () -> {
            engine.finish();
            reply.complete(Map.of("running", 0, "stopped", running.size(), "warning", w, "pid", ProcessHandle.current().pid()));
        });
    }

    private static boolean bool(Map<String, Object> args, String key) {
        return Args.flag(args, key);
    }
}
