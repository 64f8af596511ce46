package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.PmException;
import pm.daemon.controller.Launcher;
import pm.daemon.controller.Libc;
import pm.daemon.monitor.Observation;
import pm.daemon.monitor.Target;
import pm.daemon.registry.Registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * The single writer (DESIGN.md principle 6): one thread drains a queue of messages (requests, child
 * exits) and fires the processes' timers; all process state and the registry belong to it. Other
 * threads only {@link #submit} requests and get their reply as a future.
 */
public final class Engine {
    private static final Logger LOG = Logger.getLogger("pm.engine");

    private sealed interface Message {}

    private record Request(String cmd, Map<String, Object> args, CompletableFuture<Map<String, Object>> reply)
            implements Message {}

    private record ChildExit(String name, long pid, int status) implements Message {}

    private record Observed(Observation observation) implements Message {}

    /** A reply that waits until every named process satisfies {@code done}. */
    private record Waiter(List<String> names, Predicate<Proc> done, Runnable then) {}

    final Home home;
    final Registry registry;
    private final Launcher launcher;
    final Map<String, Proc> procs = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final LinkedBlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final Commands commands = new Commands(this);
    int nextId;
    volatile boolean finished;
    /** Heartbeats refused since the daemon started: wrong secret, unknown id, malformed. */
    long rejectedHeartbeats;
    /** What the monitor watches: rebuilt on the engine thread when a run starts or ends, read by the monitor. */
    private volatile List<Target> targets = List.of();
    private boolean targetsDirty;
    private Runnable targetsChanged = () -> { };
    private int heartbeatPort;

    public Engine(Home home, Registry registry, Launcher launcher) {
        this.home = home;
        this.registry = registry;
        this.launcher = launcher;
    }

    /** Loads the registry and starts, on the engine thread, every process the user wanted running. */
    public void restore() {
        var loaded = registry.load();
        if (!loaded.warning().isEmpty()) warnings.add(loaded.warning());
        for (var e : loaded.entries()) {
            procs.put(e.spec().name(), new Proc(e.id(), e.spec(), e.wanted()));
            nextId = Math.max(nextId, e.id() + 1);
        }
    }

    /** Connects the monitor: it is told when the snapshot changes, and apps are told where to send heartbeats. */
    public void watchedBy(Runnable targetsChanged, int heartbeatPort) {
        this.targetsChanged = targetsChanged;
        this.heartbeatPort = heartbeatPort;
    }

    /** The running processes, for the monitor; an immutable snapshot. */
    public List<Target> targets() {
        return targets;
    }

    /** Posts what the monitor saw; the engine decides what it means. Any thread. */
    public void observe(Observation observation) {
        queue.add(new Observed(observation));
    }

    public CompletableFuture<Map<String, Object>> submit(String cmd, Map<String, Object> args) {
        var reply = new CompletableFuture<Map<String, Object>>();
        queue.add(new Request(cmd, args, reply));
        return reply;
    }

    /** Runs the loop until a shutdown request has been answered. */
    public void run() {
        for (var p : procs.values()) if (p.wanted) apply(p, new Event.Start());
        while (!finished) {
            try {
                Message m = queue.poll(untilNextDeadline(), TimeUnit.NANOSECONDS);
                if (m != null) handle(m);
                fireTimers();
                settleWaiters();
                publishTargets();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A bug must not take the engine down with every app's bookkeeping in it.
                LOG.severe("engine: " + e);
            }
        }
    }

    private void handle(Message m) {
        switch (m) {
            case Request r -> {
                try {
                    commands.handle(r.cmd(), r.args(), r.reply());
                } catch (PmException e) {
                    r.reply().completeExceptionally(e);
                } catch (RuntimeException e) {
                    LOG.severe("request " + r.cmd() + ": " + e);
                    r.reply().completeExceptionally(new PmException(ErrorCode.INTERNAL, r.cmd() + " failed: " + e));
                }
            }
            case ChildExit x -> {
                var p = procs.get(x.name());
                if (p != null) apply(p, new Event.Exited(x.pid(), x.status(), Libc.groupAlive(x.pid())));
            }
            case Observed o -> observed(o.observation());
        }
    }

    private void observed(Observation o) {
        switch (o) {
            case Observation.Samples s -> {
                for (var u : s.usages()) {
                    var p = procs.get(u.name());
                    if (p == null) continue;
                    apply(p, new Event.Sampled(u.pid(), u.cpuPercent(), u.rssBytes(), u.processes()));
                    p.recordSample(u.cpuPercent(), u.rssBytes());
                }
            }
            case Observation.ProbeResult r -> on(r.name(), new Event.Probed(r.pid(), r.ok(), r.detail()));
            case Observation.HeartbeatSeen b -> on(b.name(), new Event.Beat(b.pid(), b.wallMillis()));
            case Observation.HeartbeatSilent l -> on(l.name(), new Event.BeatLost(l.pid(), l.silentMillis()));
            case Observation.HeartbeatRejected r -> {
                rejectedHeartbeats++;
                var p = procs.get(r.name());
                if (p != null) p.rejectedBeats++;
                LOG.warning("heartbeat rejected" + (r.name().isEmpty() ? "" : " for " + r.name()) + ": " + r.why());
            }
        }
    }

    private void on(String name, Event event) {
        var p = procs.get(name);
        if (p != null) apply(p, event);
    }

    private void publishTargets() {
        if (!targetsDirty) return;
        targetsDirty = false;
        var list = new ArrayList<Target>();
        for (var p : procs.values()) {
            if (p.pid == 0 || (p.state != State.RUNNING && p.state != State.STARTING)) continue;
            var s = p.spec;
            list.add(new Target(s.name(), p.id, p.pid, p.state == State.STARTING, s.probe(), s.health(), s.cwd(),
                    s.heartbeatTimeout(), p.secret));
        }
        targets = List.copyOf(list);
        targetsChanged.run();
    }

    /** Feeds one event to the machine and carries out what it asks for. */
    void apply(Proc p, Event event) {
        State before = p.state;
        long pidBefore = p.pid;
        var effects = Machine.apply(p, event, System.nanoTime());
        if (p.state != before || p.pid != pidBefore) {
            targetsDirty = true;
            if (p.state != before) p.recordTransition(System.currentTimeMillis(), before, p.state, p.reason);
        }
        for (var effect : effects) {
            switch (effect) {
                case Effect.Spawn s -> spawn(p);
                case Effect.Signal s -> signal(s.pgid(), s.signal());
            }
        }
    }

    private void spawn(Proc p) {
        try {
            p.secret = Secrets.next();
            Process process = launcher.spawn(p.id, p.spec, Map.of(
                    "PM_HEARTBEAT_ADDR", "127.0.0.1:" + heartbeatPort,
                    "PM_HEARTBEAT_SECRET", p.secret,
                    "PM_HEARTBEAT_INTERVAL", Long.toString(heartbeatInterval(p.spec).toSeconds())));
            long pid = process.pid();
            String name = p.spec.name();
            process.onExit().whenComplete((done, err) -> queue.add(new ChildExit(name, pid, process.exitValue())));
            apply(p, new Event.Spawned(pid, System.currentTimeMillis()));
        } catch (Launcher.SpawnFailure e) {
            apply(p, new Event.SpawnFailed(e.getMessage()));
        }
    }

    /** Beat three times per timeout, so one lost datagram never makes an app unhealthy. */
    static java.time.Duration heartbeatInterval(pm.core.ProcessSpec spec) {
        long timeout = spec.heartbeatTimeout().toSeconds();
        return java.time.Duration.ofSeconds(timeout <= 0 ? 10 : Math.max(1, timeout / 3));
    }

    private static void signal(long pgid, int signal) {
        if (pgid <= 0) return;
        // Right after a spawn, setsid may not have made the group yet: then signal the leader alone.
        if (Libc.killGroup(pgid, signal) == Libc.ESRCH) Libc.kill(pgid, signal);
    }

    private long untilNextDeadline() {
        long next = Long.MAX_VALUE;
        for (var p : procs.values()) if (p.deadline != 0) next = Math.min(next, p.deadline);
        if (next == Long.MAX_VALUE) return TimeUnit.SECONDS.toNanos(60);
        return Math.max(0, next - System.nanoTime());
    }

    private void fireTimers() {
        long now = System.nanoTime();
        for (var p : List.copyOf(procs.values())) {
            if (p.deadline != 0 && p.deadline <= now) apply(p, new Event.Timer(Libc.groupAlive(p.pid)));
        }
    }

    /** Replies later, once each named process satisfies {@code done}; checked after every message. */
    void await(List<String> names, Predicate<Proc> done, Runnable then) {
        waiters.add(new Waiter(names, done, then));
    }

    private void settleWaiters() {
        for (var it = waiters.iterator(); it.hasNext(); ) {
            var w = it.next();
            boolean done = w.names().stream().allMatch(n -> procs.get(n) == null || w.done().test(procs.get(n)));
            if (done) {
                it.remove();
                w.then().run();
            }
        }
    }
}
