package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.Health;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessState;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code pm reload NAME}: a rolling reload of one app's running copies, one at a time, with the app's
 * current spec. Where the copies can overlap (they share held sockets, or have no port) a replacement
 * starts beside the old copy, and the old one is stopped gracefully only once the replacement is ready:
 * never fewer ready copies than before. A copy with a port of its own cannot have a twin on it, so it is
 * restarted in place and the next waits until it is ready again. Ready: its health check passes; with
 * none (or sharing held sockets), its first heartbeat or {@code --ready-after} (2 s by default) of running. A replacement that
 * does not get ready in time is stopped and removed, the reload ends there, and the copies not reached
 * keep serving. A step machine moved on by the engine after every step; engine thread only.
 */
final class Reload {
    private enum Phase { NEXT, READYING, RETIRING, UNDOING }

    private final Engine engine;
    private final String app;
    private final CompletableFuture<Map<String, Object>> reply;
    /** Puts the spec back as it was before the reload's changes (its --env); null when it changed nothing. */
    private final Runnable rollback;
    private final ArrayDeque<String> todo;
    private final Targets targets;
    private Phase phase = Phase.NEXT;
    /** The copy's new run, and its old one (the same in place). */
    private Proc fresh, old;
    private long readyBy;
    /** Its automatic restarts before this reload began: one more means it crashed, which no replacement may. */
    private int restartsBefore;
    private Duration within = Duration.ZERO;
    private String failure = "";
    private int replaced;

    Reload(Engine engine, Targets targets, String app, List<String> copies, Runnable rollback, CompletableFuture<Map<String, Object>> reply) {
        this.engine = engine;
        this.targets = targets;
        this.app = app;
        this.todo = new ArrayDeque<>(copies);
        this.rollback = rollback;
        this.reply = reply;
    }

    /** {@code pm reload}: rolling reloads of the named apps' running copies, side by side; replies once all are done or one failed. */
    static void start(Engine engine, Commands commands, Map<String, Object> args, CompletableFuture<Map<String, Object>> reply) {
        var targets = commands.targets;
        var names = targets.of(args);
        var apps = targets.apps(names);
        commands.refuseDuringReload(apps, " already; wait for that reload to end");
        var before = new LinkedHashMap<String, ProcessSpec>();
        for (String app : apps) before.put(app, targets.copies(app).getFirst().spec);
        commands.mergeEnv(names, args);
        var parts = new ArrayList<CompletableFuture<Map<String, Object>>>();
        for (String app : apps) {
            var part = new CompletableFuture<Map<String, Object>>();
            var copies = new ArrayList<String>();
            for (String n : names) if (engine.procs.get(n).spec.name().equals(app)) copies.add(n);
            // A failed reload leaves the app as it was: its spec too, so that no later restart brings up what failed.
            var previous = before.get(app);
            Runnable rollback = targets.copies(app).getFirst().spec.equals(previous) ? null : () -> targets.saveSpecs(Map.of(app, previous));
            engine.reloads.add(new Reload(engine, targets, app, copies, rollback, part));
            parts.add(part);
        }
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((ok, failed) -> {
            if (failed != null) reply.completeExceptionally(failed instanceof CompletionException c ? c.getCause() : failed);
            else reply.complete(Map.of("processes", targets.views(names)));
        });
    }

    /**
     * What is left of a reload an earlier daemon did not finish: a run of the copy that Restore set aside
     * (the replacement, or the old run it was retiring), stopped in the first step, and removed once down.
     * Like a reload, it makes the app's stop, restart and scale wait; no one waits for its answer.
     */
    static Reload leftover(Engine engine, Proc left) {
        var r = new Reload(engine, new Targets(engine), left.spec.name(), List.of(), null, new CompletableFuture<>());
        r.fresh = left;
        r.phase = Phase.UNDOING;
        return r;
    }

    String app() {
        return app;
    }

    /** When it wants to be looked at again at the latest (nanoTime), or Long.MAX_VALUE. */
    long deadline() {
        if (phase != Phase.READYING) return Long.MAX_VALUE;
        long readyAt = fresh.startedNanos + fresh.spec.copies().readyAfterOrDefault().toNanos();
        return fresh.startedNanos != 0 && readyAt > 0 ? Math.min(readyBy, readyAt) : readyBy;
    }

    /** Moves on as far as it can now; true once finished (and answered). */
    boolean advance(long now) {
        while (true) {
            switch (phase) {
                case NEXT -> {
                    if (todo.isEmpty()) return finish();
                    begin(todo.removeFirst(), now);
                }
                case READYING -> {
                    String why = notReady(now);
                    if (why == null) return false;
                    if (why.isEmpty()) {
                        retire();
                    } else {
                        failure = fresh.name() + (fresh == old ? "" : "'s replacement") + " " + why;
                        if (fresh == old) return finish();
                        engine.apply(fresh, new Event.Stop(false));
                        phase = Phase.UNDOING;
                    }
                }
                case RETIRING -> {
                    if (!(old.settled() && old.state.isDown())) return false;
                    engine.aside.remove(old.name());
                    replaced++;
                    phase = Phase.NEXT;
                }
                case UNDOING -> {
                    if (!(fresh.settled() && fresh.state.isDown())) return false;
                    engine.aside.remove(fresh.name());
                    return finish();
                }
            }
        }
    }

    private void begin(String name, long now) {
        old = engine.procs.get(name);
        if (old == null || old.pid == 0 || old.state != ProcessState.RUNNING) {
            phase = Phase.NEXT; // gone (scaled down) or not running: nothing to keep serving
            return;
        }
        var spec = old.spec;
        boolean overlap = !spec.copies().sockets().isEmpty() || spec.port() == 0;
        if (overlap) {
            fresh = new Proc(old.id, spec, false, old.copy);
            engine.aside.put(name, fresh);
            engine.recordAside(); // before the spawn: a daemon killed now must not leave the replacement unmanaged
            engine.apply(fresh, new Event.Start());
        } else {
            fresh = old;
            engine.apply(old, new Event.Restart());
        }
        var h = spec.health();
        within = !byHealth(spec) ? spec.copies().readyAfterOrDefault().plusSeconds(30)
                : h.startPeriod().plus(h.interval().plus(h.timeout()).multipliedBy(h.retries() + 1L)).plusSeconds(5);
        readyBy = now + within.toNanos();
        restartsBefore = fresh.restarts;
        phase = Phase.READYING;
    }

    /**
     * Whether a copy's health check says it is ready. Not for copies sharing held sockets: a check through
     * the shared socket is answered by whichever copy accepts, so their heartbeat or --ready-after decides.
     */
    private static boolean byHealth(pm.core.ProcessSpec spec) {
        return !spec.healthCheck().isEmpty() && spec.copies().sockets().isEmpty();
    }

    /** Null while it may yet get ready, "" once ready, else why it will not. */
    private String notReady(long now) {
        var p = fresh;
        if (p.restarts != restartsBefore && p.lastExit != null) return "crashed (" + p.lastExit.describe() + ")";
        if (p.state == ProcessState.RUNNING && p.pid != 0) {
            boolean checked = byHealth(p.spec);
            long up = now - p.startedNanos;
            if (checked ? p.health == Health.HEALTHY : p.lastBeatAtMillis > 0 || up >= p.spec.copies().readyAfterOrDefault().toNanos()) return "";
            if (checked && p.health == Health.UNHEALTHY) return "failed its health check: " + p.healthDetail();
        } else if (p.state != ProcessState.STARTING && p.state != ProcessState.STOPPING || p.pid == 0 && p.settled()) {
            return "did not start: " + (p.reason.isEmpty() ? p.state.wireName() : p.reason);
        }
        if (now >= readyBy) return "did not get ready within " + pm.core.Units.formatDuration(within)
                + (p.healthDetail().isEmpty() ? "" : " (" + p.healthDetail() + ")");
        return null;
    }

    /** The replacement is ready: it takes the copy's place, and the old run stops gracefully. */
    private void retire() {
        if (fresh == old) {
            replaced++;
            phase = Phase.NEXT;
            return;
        }
        String name = old.name();
        engine.procs.put(name, fresh);
        engine.aside.put(name, old);
        old.removing = true;
        engine.apply(old, new Event.Stop(false));
        phase = Phase.RETIRING;
    }

    private boolean finish() {
        if (!failure.isEmpty() && rollback != null) {
            rollback.run();
            // Restarted in place and failed: that copy runs again as it was, not as what failed.
            if (fresh == old && old.wanted) engine.apply(old, new Event.Restart());
        }
        var views = targets.views(Targets.copyNames(targets.copies(app)));
        if (failure.isEmpty()) reply.complete(Map.of("processes", views, "replaced", replaced));
        else reply.completeExceptionally(new PmException(ErrorCode.SPAWN_FAILED, "reload of " + app + " stopped: " + failure
                + (fresh == old ? "" : "; it was removed and the old copies keep serving") + " (" + replaced + " replaced)"));
        return true;
    }
}
