package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.SpecDiff;
import pm.daemon.registry.Registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The daemon's side of {@code pm apply}: a whole set of apps (a pm.yaml, loaded and checked by the CLI)
 * made true in one step. It checks the set against the registry, works out the {@link Plan}, and with no
 * dry run writes the registry once, then creates, updates, restarts, starts and (with prune) removes.
 * Removed apps are written as stopped in that write and left out of a second one once they are down, as
 * unregister does, so a daemon that dies meanwhile leaves none of them running unknown.
 */
final class Apply {
    /** What an apply does, app by app; each list in the file's order (removals in the registry's). */
    record Plan(List<ProcessSpec> create, List<Change> update, List<String> start, List<String> unchanged, List<String> remove) {
        boolean isEmpty() {
            return create.isEmpty() && update.isEmpty() && start.isEmpty() && remove.isEmpty();
        }

        Map<String, Object> toJson() {
            var updates = new ArrayList<Object>();
            for (var c : update) updates.add(Map.of("name", c.spec().name(), "changed", c.diff().keys(), "restart", c.restart()));
            var m = new LinkedHashMap<String, Object>();
            m.put("create", create.stream().map(ProcessSpec::name).toList());
            m.put("update", updates);
            m.put("start", start);
            m.put("unchanged", unchanged);
            m.put("remove", remove);
            return m;
        }
    }

    /** A registered app's new spec: the fields that differ, and whether its running process must be restarted. */
    record Change(ProcessSpec spec, SpecDiff diff, boolean restart) {}

    private final Engine engine;
    private final Commands commands;

    Apply(Engine engine, Commands commands) {
        this.engine = engine;
        this.commands = commands;
    }

    void run(Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        var specs = new ArrayList<ProcessSpec>();
        var autostart = new LinkedHashSet<String>();
        read(args, specs, autostart);
        var plan = plan(specs, autostart, Boolean.TRUE.equals(args.get("prune")));
        Commands.checkDependencies(commands.specsWith(specs, plan.remove()), Targets.pm(args));
        if (plan.isEmpty() || Boolean.TRUE.equals(args.get("dry_run"))) {
            reply.complete(answer(plan, List.of()));
            return;
        }
        // The sockets the new specs name, held before the write: one in use or another app's refuses the apply.
        for (var spec : plan.create()) commands.targets.holdSockets(spec);
        for (var c : plan.update()) commands.targets.holdSockets(c.spec());
        save(plan, autostart);
        // Every copy of an app: a changed count starts or stops copies, the running ones restart if the change needs it.
        var restarting = new ArrayList<String>();
        for (var c : plan.update()) restarting.addAll(commands.respec(engine.procs.get(c.spec().name()), c.spec(), c.diff()));
        var starting = new ArrayList<String>();
        for (String app : plan.start()) starting.addAll(copyNames(app));
        var moving = new ArrayList<String>(restarting);
        moving.addAll(starting);
        var failuresBefore = new HashMap<String, Integer>();
        for (String n : moving) failuresBefore.put(n, engine.procs.get(n).spawnFailures);
        for (String n : restarting) engine.apply(engine.procs.get(n), engine.order.ready(engine.procs.get(n), new Event.Restart()));
        for (String n : starting) engine.apply(engine.procs.get(n), engine.order.ready(engine.procs.get(n), new Event.Start()));
        var removing = new ArrayList<String>();
        for (String app : plan.remove()) removing.addAll(copyNames(app));
        for (String n : removing) engine.procs.get(n).removing = true;
        engine.order.stopInOrder(removing, false, () -> {
            if (!removing.isEmpty()) removeStopped(plan.remove(), removing);
            engine.await(moving, Proc::settled, () -> {
                var failed = new ArrayList<String>();
                for (String n : moving) {
                    var p = engine.procs.get(n);
                    if (p != null && p.state == ProcessState.FATAL && p.spawnFailures > failuresBefore.get(n)) failed.add(n + ": " + p.reason);
                }
                reply.complete(answer(plan, failed));
            });
        });
    }

    /** The request's apps: each a stored spec and whether apply starts it; a name given twice is refused. */
    private static void read(Map<String, Object> args, List<ProcessSpec> specs, Set<String> autostart) {
        if (!(args.get("apps") instanceof List<?> apps)) throw new PmException(ErrorCode.BAD_REQUEST, "apply needs a list of apps");
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < apps.size(); i++) {
            if (!(apps.get(i) instanceof Map<?, ?> app) || !(app.get("spec") instanceof Map<?, ?> raw))
                throw new PmException(ErrorCode.BAD_REQUEST, "apps[" + i + "] has no spec");
            @SuppressWarnings("unchecked")
            var spec = ProcessSpec.fromJson((Map<String, Object>) raw);
            if (!names.add(spec.name())) throw PmException.invalid("the app " + spec.name() + " is given twice");
            specs.add(spec);
            if (!Boolean.FALSE.equals(app.get("autostart"))) autostart.add(spec.name());
        }
    }

    /**
     * What to do: create the apps not registered; update those whose spec differs, restarting the running
     * ones a change needs a new process for; start the autostart apps not wanted running (new, or stopped)
     * and those the daemon gave up on (a copy fatal, or exited with a failure that its policy does not
     * restart); with prune, remove the registered apps the set does not name. Other apps wanted running
     * are left to the daemon, whatever their state (a job that completed stays exited): a second apply of
     * the same file does nothing while they run.
     */
    Plan plan(List<ProcessSpec> specs, Set<String> autostart, boolean prune) {
        var create = new ArrayList<ProcessSpec>();
        var update = new ArrayList<Change>();
        var start = new ArrayList<String>();
        var unchanged = new ArrayList<String>();
        var problems = new ArrayList<String>();
        for (var spec : specs) {
            var p = engine.procs.get(spec.name());
            boolean starts = autostart.contains(spec.name()) && (p == null || !commands.targets.wanted(spec.name()) || failed(spec.name()));
            if (p != null && p.removing) problems.add(spec.name() + " is being unregistered; apply again once it is gone");
            if (p == null) {
                String problem = ProcessSpec.newNameProblem(spec.name());
                if (!problem.isEmpty()) problems.add("the name " + problem);
                create.add(spec);
            } else {
                var diff = SpecDiff.between(p.spec, spec);
                boolean up = false;
                for (var c : commands.targets.copies(spec.name()))
                    up |= c.pid != 0 && (c.state == ProcessState.RUNNING || c.state == ProcessState.STARTING);
                if (!diff.isEmpty()) update.add(new Change(spec, diff, up && diff.needsRestart()));
                else if (!starts) unchanged.add(spec.name());
            }
            if (starts) start.add(spec.name());
        }
        if (!problems.isEmpty()) throw PmException.invalid(String.join("\n", problems));
        var remove = new ArrayList<String>();
        if (prune) {
            var named = new java.util.HashSet<String>();
            for (var s : specs) named.add(s.name());
            for (var p : engine.procs.values()) if (p.copy == 0 && !named.contains(p.spec.name())) remove.add(p.spec.name());
        }
        return new Plan(create, update, start, unchanged, remove);
    }

    /** Whether a copy of the app is down for good after a failure: fatal, or exited with a failure and not restarted. */
    private boolean failed(String app) {
        for (var c : commands.targets.copies(app)) {
            if (c.state == ProcessState.FATAL) return true;
            if (c.state == ProcessState.EXITED && c.lastExit != null && c.lastExit.isFailure()) return true;
        }
        return false;
    }

    /** The one registry write: new specs, new apps, the wanted state of those started and of those removed (stopped). */
    private void save(Plan plan, Set<String> autostart) {
        var changed = new HashMap<String, ProcessSpec>();
        for (var c : plan.update()) changed.put(c.spec().name(), c.spec());
        var entries = new ArrayList<Registry.Entry>();
        for (var e : commands.targets.entries()) {
            String n = e.spec().name();
            boolean wanted = plan.remove().contains(n) ? false : plan.start().contains(n) || e.wanted();
            entries.add(new Registry.Entry(e.id(), changed.getOrDefault(n, e.spec()), wanted));
        }
        var created = new ArrayList<Proc>();
        int id = engine.nextId;
        for (var spec : plan.create()) {
            for (int i = 0; i < spec.copies().count(); i++) created.add(new Proc(id, spec, false, i));
            entries.add(new Registry.Entry(id++, spec, autostart.contains(spec.name())));
        }
        engine.registry.save(entries);
        engine.nextId = id;
        for (var p : created) engine.procs.put(p.name(), p);
    }

    /** The second write, once the removed apps are down; should it fail they stay registered, stopped, and say so. */
    private void removeStopped(List<String> apps, List<String> names) {
        var remaining = commands.targets.entries();
        remaining.removeIf(e -> apps.contains(e.spec().name()));
        try {
            engine.registry.save(remaining);
        } catch (PmException e) {
            for (String n : names) {
                var p = engine.procs.get(n);
                if (p != null) {
                    p.removing = false;
                    p.reason = "apply could not remove it: " + e.getMessage();
                }
            }
            return;
        }
        for (String n : names) engine.remove(n);
        commands.targets.releaseSockets();
    }

    private List<String> copyNames(String app) {
        return Targets.copyNames(commands.targets.copies(app));
    }

    /**
     * The plan, and the state of each app it created, updated or started (every copy): an unchanged app's
     * view is not sent, so that an apply with nothing to do costs the daemon no view of the file's apps.
     */
    private Map<String, Object> answer(Plan plan, List<String> failed) {
        var apps = new LinkedHashSet<String>();
        for (var s : plan.create()) apps.add(s.name());
        for (var c : plan.update()) apps.add(c.spec().name());
        apps.addAll(plan.start());
        var names = new ArrayList<String>();
        for (String app : apps) names.addAll(copyNames(app));
        var m = new LinkedHashMap<String, Object>();
        m.put("plan", plan.toJson());
        m.put("processes", commands.targets.views(names));
        m.put("failed", failed);
        return m;
    }
}
