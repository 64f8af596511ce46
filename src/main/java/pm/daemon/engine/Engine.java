package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.Health;
import pm.core.Home;
import pm.core.PmException;
import pm.core.ProcessState;
import pm.daemon.controller.Launcher;
import pm.daemon.controller.Processes;
import pm.daemon.events.EventRing;
import pm.daemon.monitor.Observation;
import pm.daemon.monitor.Target;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single writer (DESIGN.md principle 6): one thread sleeps until an app exits or a message comes
 * (requests, what the monitor saw), handles it, and fires the processes' timers; all process state, the
 * registry and the run file belong to it. Other threads only {@link #submit} requests, {@link #observe},
 * or read the published {@link #targets} snapshot.
 */
public final class Engine {
    private static final Logger LOG = Logger.getLogger("pm.engine");
    /**
     * How long the run file may wait after an automatic restart. A daemon killed with SIGKILL in that
     * window leaves the new run out of the run file, as it would in the ~1 ms a write takes; the next
     * daemon finds it by its mark instead ({@link Restore}). SIGTERM writes it first ({@link #flush}).
     */
    static final Duration AFTER_RESTART = Duration.ofMillis(5);

    private sealed interface Message {}

    private record Request(String cmd, Map<String, Object> args, CompletableFuture<Map<String, Object>> reply)
            implements Message {}

    private record Observed(Observation observation) implements Message {}

    /** Something to read on the engine thread, where the processes' state is consistent. */
    private record Query(Runnable read) implements Message {}

    final Home home;
    final Registry registry;
    private final RunFile runFile;
    private final Processes processes;
    final Clock clock;
    final Map<String, Proc> procs = new LinkedHashMap<>();
    /**
     * A second run of a copy beside the one in {@link #procs}, under the same name, during a rolling
     * reload: the replacement until it is ready, then the old run while it stops. Events are told apart by pid.
     */
    final Map<String, Proc> aside = new LinkedHashMap<>();
    /** Rolling reloads under way, each moved on after every step. */
    final List<Reload> reloads = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    private final Waiters waiters = new Waiters();
    private final ConcurrentLinkedQueue<Message> queue = new ConcurrentLinkedQueue<>();
    private final Commands commands = new Commands(this);
    private final Announcer announcer = new Announcer();
    /** Starts and stops in the order of the apps' dependencies. */
    final Ordering order = new Ordering(this);
    private final Observations observations = new Observations(this);
    int nextId;
    /** Set by a shutdown: from then on only read-only requests are served. */
    boolean shuttingDown;
    private volatile boolean finished;
    private volatile boolean looping;
    /** Set when the loop has ended (a shutdown, or a failure): from then on nothing answers a request. */
    private volatile boolean stopped;
    /** Heartbeats refused since the daemon started: wrong secret, unknown id, malformed. */
    long rejectedHeartbeats;
    /** The snapshot the monitor watches and the run file, rewritten when a run starts or ends. */
    private final Published published;
    /** Set in the current step by a spawn of an app that has restarted before (by itself, or started after that). */
    private boolean restarted;
    /** When a run file put off by a restart is due (nanoTime), or 0. */
    private long publishAt;
    /** Where apps send heartbeats, as they are told it. */
    private String heartbeatAddress = "127.0.0.1:0";
    private Runnable freshen = () -> { };

    /** {@code processes} spawns, signals and watches the apps; {@code clock} tells the time (tests fake both). */
    public Engine(Home home, Registry registry, RunFile runFile, Processes processes, Clock clock) {
        this.home = home;
        this.registry = registry;
        this.runFile = runFile;
        this.published = new Published(runFile);
        this.processes = processes;
        this.clock = clock;
    }

    /**
     * Loads the registry, and adopts every app an earlier daemon left running ({@link Restore}), so a daemon
     * restart or crash never starts an app twice. Call before {@link #run}.
     */
    public void restore() {
        new Restore(this, processes).run(registry.load(), runFile.load());
    }

    /** Connects the monitor: it is told when the snapshot changes, and apps are told where to send heartbeats. */
    public void watchedBy(Runnable targetsChanged, int heartbeatPort) {
        published.watchedBy(targetsChanged);
        this.heartbeatAddress = "127.0.0.1:" + heartbeatPort;
    }

    /** {@code freshen} runs before a request that shows CPU and memory is queued, and queues fresh samples first. */
    public void figuresFrom(Runnable freshen) {
        this.freshen = freshen;
    }

    /** Has every change of state, health, heartbeats and restarts told to {@code ring}, for the event stream. Before {@link #run}. */
    public void reportTo(EventRing ring) {
        announcer.reportTo(ring, procs);
    }

    /** The running processes, for the monitor; an immutable snapshot. */
    public List<Target> targets() {
        return published.targets();
    }

    /** Every process as {@code /metrics} reports it, read on the engine thread. Any thread. */
    public CompletableFuture<Reading.All> readings() {
        var reply = new CompletableFuture<Reading.All>();
        post(new Query(() -> {
            try {
                reply.complete(Views.readings(procs.values(), home, clock.millis(), rejectedHeartbeats));
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        }));
        return reply;
    }

    /** Posts what the monitor saw; the engine decides what it means. Any thread. */
    public void observe(Observation observation) {
        post(new Observed(observation));
    }

    /** Any thread but the engine's (a request that shows the figures may wait for a fresh sample first). */
    public CompletableFuture<Map<String, Object>> submit(String cmd, Map<String, Object> args) {
        if (cmd.equals("status") || cmd.equals("describe")) freshen.run();
        var reply = new CompletableFuture<Map<String, Object>>();
        post(new Request(cmd, args, reply));
        return reply;
    }

    /** Queued first, then the wake: the engine drains the wake before the queue, so nothing waits unseen. */
    private void post(Message message) {
        queue.add(message);
        processes.wake();
    }

    /** Whether the loop has ended, so a request submitted now is never answered (one submitted before the loop starts is answered once it does). */
    public boolean hasStopped() {
        return stopped;
    }

    /** Runs the loop until a shutdown request has been answered. */
    public void run() {
        looping = true;
        try {
            begin();
            while (!finished) turn();
        } finally {
            looping = false;
            stopped = true;
        }
    }

    /** Starts what the restore left to start (and stops what it set aside), in a step of its own, so the run file names it before the loop first sleeps. */
    void begin() {
        step(() -> all().forEach(p -> guarded(() -> Restore.start(this, p))));
    }

    /** The run file at once, naming a replacement about to be spawned: a daemon killed before the step's write looks for it by its mark. */
    void recordAside() {
        published.runsChanged();
        published.saveRuns(procs.values(), aside.values(), warnings);
    }

    /** One turn of the loop: sleeps until an exit, a message or the next deadline, then handles what came. */
    void turn() {
        // Exits are waited for on this thread: a crashed app's restart is not handed between threads.
        var exits = awaitExits(queue.isEmpty() ? untilNextDeadline() : 0);
        // All the exits seen at once in one step: one run file written for a whole `stop --all`
        // batch, not one per app (1000 apps: 1000 rewrites of a 150 KB file).
        if (!exits.isEmpty()) step(() -> exits.forEach(x -> guarded(() -> exited(x))));
        boolean any = !exits.isEmpty();
        for (Message m; !finished && (m = queue.poll()) != null; any = true) {
            var message = m;
            step(() -> handle(message));
        }
        if (!any) step(() -> { });
    }

    /** Whether a shutdown has ended the loop. */
    boolean finished() {
        return finished;
    }

    /** Handles one thing, then fires the timers due and answers what can be answered. */
    private void step(Runnable handle) {
        restarted = false;
        guarded(() -> {
            handle.run();
            fireTimers();
            order.release();
            // A loop, not removeIf with a lambda: one class fewer kept by the daemon.
            for (var r : List.copyOf(reloads)) if (r.advance(clock.nanos())) reloads.remove(r);
            if (restarted && waiters.isEmpty() && !finished && !shuttingDown && (publishAt == 0 || clock.nanos() < publishAt)) {
                // An app restarted by itself, and no one waits for an answer: the run file waits while it starts,
                // until the next step and AFTER_RESTART at most, however many restarts follow (the write
                // and the start time it reads took 0.4 ms of CPU as the app started).
                if (publishAt == 0) publishAt = clock.nanos() + AFTER_RESTART.toNanos();
            } else {
                // The run file first: a command is answered only once the next daemon could adopt its result.
                publishAt = 0;
                published.saveRuns(procs.values(), aside.values(), warnings);
                Secrets.prepare(); // the next run's secret, made ahead while no app is starting
            }
            // The snapshot at once: the monitor and the heartbeat receiver need the new run's pid and secret
            // (a client library sends its first beat as it starts).
            published.publishTargets(aside.isEmpty() ? procs.values() : all());
            waiters.settle(procs);
            if (announcer.on()) announcer.roster(procs, this, clock.millis()); // after the waiters: an unregister removes there
        });
    }

    private List<Processes.Exit> awaitExits(long timeoutNanos) {
        try {
            return processes.awaitExits(timeoutNanos);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "engine: waiting for exits: " + e, e); // the messages are still served, once a second
            try {
                Thread.sleep(1000);
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        }
    }

    private void exited(Processes.Exit x) {
        long pid = x.run().pid();
        observations.on(x.run().name(), pid, new Event.Exited(pid, x.status(), processes.groupAlive(x.run())));
    }

    /** A bug, or even an out-of-memory error, must not end the loop that watches every app. */
    private static void guarded(Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "engine: " + t, t);
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
                    LOG.log(Level.SEVERE, "request " + r.cmd() + ": " + e, e);
                    r.reply().completeExceptionally(new PmException(ErrorCode.INTERNAL, r.cmd() + " failed: " + e));
                }
            }
            case Observed o -> observations.handle(o.observation());
            case Query q -> q.read().run();
        }
    }

    /** Every process, those set aside by reloads too. */
    List<Proc> all() {
        var out = new ArrayList<Proc>(procs.values());
        out.addAll(aside.values());
        return out;
    }

    /** Feeds one event to the machine and carries out what it asks for. */
    void apply(Proc p, Event event) {
        ProcessState before = p.state;
        long pidBefore = p.pid;
        var runBefore = p.run;
        int restartsBefore = p.restarts;
        Health healthBefore = p.health;
        long beatBefore = p.lastBeatAtMillis;
        String reasonBefore = p.reason;
        var effects = Machine.apply(p, event, clock.nanos(), clock.millis());
        if (announcer.on()) announcer.changed(p, event, before, healthBefore, restartsBefore, beatBefore, reasonBefore, clock.millis());
        if (p.state != before || p.pid != pidBefore || p.restarts != restartsBefore) published.runsChanged();
        if (p.state != before) {
            p.recordTransition(clock.millis(), before, p.state, p.reason);
            // Settled with no restart pending: a spawn kept ready for its restarts is not needed now.
            if (p.state == ProcessState.STOPPED || p.state == ProcessState.EXITED || p.state == ProcessState.FATAL) processes.forget(p.id, p.copy);
        }
        if (p.pid == 0) p.run = null;
        for (var effect : effects) {
            switch (effect) {
                case Effect.Spawn s -> spawn(p);
                case Effect.Signal s -> {
                    // The run the event was about: an exit clears p.run, but its leftovers still get the signal.
                    var target = runBefore != null && runBefore.pid() == s.pgid() ? runBefore : p.run;
                    if (target != null && target.pid() == s.pgid()) processes.signal(target, s.signal());
                }
            }
        }
    }

    private void spawn(Proc p) {
        if (shuttingDown) {
            // No new runs while the daemon goes away: a restart due now is left to the next daemon.
            apply(p, new Event.SpawnFailed("the daemon was shutting down"));
            return;
        }
        try {
            String secret = Secrets.next();
            // An app that has restarted once likely will again: its spawn is kept ready, and it gets the CPU first.
            var run = processes.spawn(p.id, p.runSpec(), new Launcher.Heartbeat(heartbeatAddress, p.heartbeatInterval(), secret),
                    p.restarts > 0);
            p.run = run;
            p.secret = secret;
            restarted |= p.restarts > 0;
            apply(p, new Event.Spawned(run.pid(), clock.millis()));
        } catch (Launcher.SpawnFailure e) {
            apply(p, new Event.SpawnFailed(e.getMessage()));
        } catch (RuntimeException e) {
            // Whatever went wrong, the process must not stay "starting" with no pid.
            apply(p, new Event.SpawnFailed(String.valueOf(e.getMessage())));
        }
    }

    /** A process's spec was replaced: the monitor gets it with the snapshot this step publishes. */
    void specChanged() {
        published.specsChanged();
        if (announcer.on()) announcer.specsChanged();
    }

    /** Forgets a deleted process, and what was kept ready to start it. */
    Proc remove(String name) {
        var p = procs.remove(name);
        if (p != null) processes.forget(p.id, p.copy);
        return p;
    }

    /** What spawns, signals and holds sockets; for the commands' own calls on it. */
    Processes processes() {
        return processes;
    }

    private long untilNextDeadline() {
        long next = Long.MAX_VALUE;
        for (var p : procs.values()) if (p.deadline != 0) next = Math.min(next, p.deadline);
        for (var p : aside.values()) if (p.deadline != 0) next = Math.min(next, p.deadline);
        for (var r : reloads) next = Math.min(next, r.deadline());
        if (publishAt != 0) next = Math.min(next, publishAt);
        if (next == Long.MAX_VALUE) return TimeUnit.SECONDS.toNanos(60);
        return Math.max(0, next - clock.nanos());
    }

    private void fireTimers() {
        long now = clock.nanos();
        for (var p : all()) {
            if (p.deadline != 0 && p.deadline <= now) apply(p, new Event.Timer(processes.groupAlive(p.run)));
        }
    }

    /** Replies later, once each named process satisfies {@code done}; checked after every message. */
    void await(List<String> names, Predicate<Proc> done, Runnable then) {
        waiters.add(names, done, then);
    }

    /** Ends the loop after this iteration. */
    void finish() {
        finished = true;
    }

    /** Any thread: has the engine write what it put off (the run file, just after a restart), waiting {@code timeout} at most; for a SIGTERM. */
    public void flush(Duration timeout) {
        if (!looping) return;
        try {
            submit("ping", Map.of()).get(timeout.toMillis(), TimeUnit.MILLISECONDS); // every step writes what is due
        } catch (Exception e) {
            // Ending anyway; the run file is at most AFTER_RESTART behind.
        }
    }
}
