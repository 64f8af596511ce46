package pm.daemon.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The daemon's eyes (DESIGN.md principle 3): samples /proc, runs health probes and receives heartbeats,
 * and posts what it saw to the engine. It reads the engine's published snapshot of running processes
 * and never starts, stops or signals anything.
 */
public final class Monitor {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("pm.monitor");
    /** The first probe of a run, soon after its spawn. */
    private static final Duration FIRST_PROBE = Duration.ofMillis(100);
    /**
     * While no app used CPU at the last sample and none has a memory limit, samples are this many periods
     * apart; a reader of the figures asks for a fresh sample ({@link #freshen}).
     */
    static final int IDLE_EVERY = 10;
    /** The longest a reader waits for a fresh sample before it takes the figures as they are. */
    private static final long FRESHEN_WAIT_NANOS = 1_000_000_000;

    private final Supplier<List<Target>> targets;
    private final Consumer<Observation> sink;
    private final Duration sampleInterval;
    private final Sampler sampler = new Sampler(Path.of("/proc"));
    private final Prober prober = new Prober();
    private final HeartbeatReceiver heartbeats;
    /** Next probe time per run, and the runs with a probe in flight. Scheduler thread only. */
    private final Map<String, Long> nextProbe = new HashMap<>();
    private final java.util.Set<String> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    /** Whether the probe loop has probes planned, which a new snapshot may cancel. */
    private volatile boolean probing;
    private volatile boolean running = true;
    /** The probe loop's thread, made when the first health check appears. Guarded by this. */
    private Thread probes;
    /** Wakes the sampler before its time: a reader wants fresh figures, or an app with a memory limit started. */
    private final java.util.concurrent.Semaphore sampleWake = new java.util.concurrent.Semaphore(0);
    /** Set by a reader that wants a sample that reads every member now. Guarded by fresh. */
    private boolean demanded;
    /** Whether the sampler sleeps the long sleep of a daemon at rest. */
    private volatile boolean resting;
    /** When the last sample that read every member began (nanoTime). Guarded by fresh. */
    private long freshAt = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);
    private final Object fresh = new Object();

    public Monitor(Supplier<List<Target>> targets, Consumer<Observation> sink, Duration sampleInterval, int heartbeatPort)
            throws IOException {
        this.targets = targets;
        this.sink = sink;
        this.sampleInterval = sampleInterval;
        this.heartbeats = new HeartbeatReceiver(heartbeatPort, targets, sink);
    }

    /** The UDP port heartbeats go to (apps get it as PM_HEARTBEAT_ADDR). */
    public int heartbeatPort() {
        return heartbeats.port();
    }

    public void start() {
        if (!sampleInterval.isZero()) Thread.ofPlatform().name("pm-sampler").daemon().start(() -> guarded(this::sampleLoop));
        Thread.ofPlatform().name("pm-heartbeats").daemon().start(() -> guarded(heartbeats::run));
    }

    /**
     * Starts the probe loop once, on the first snapshot with a health check in it: a daemon whose apps have
     * none keeps no thread for it. Called on the engine thread, which must not fail here: a thread that
     * cannot be made (the user's process limit) is logged and tried again at the next snapshot.
     */
    private synchronized void startProbes() {
        if (probes != null) return;
        try {
            probes = Thread.ofPlatform().name("pm-probes").daemon().start(() -> guarded(this::probeLoop));
        } catch (Throwable t) {
            LOG.severe("cannot start the health-check thread: " + t + "; trying again at the next change");
        }
    }

    /** Runs a loop again if it ever throws: an observer that dies silently would leave pm blind. */
    public static void guarded(Runnable loop) {
        while (true) {
            try {
                loop.run();
                return;
            } catch (Throwable t) {
                LOG.log(java.util.logging.Level.SEVERE, Thread.currentThread().getName() + ": " + t + "; restarting it in 1s", t);
                sleep(1000);
            }
        }
    }

    /**
     * The engine published a new snapshot: look at it now rather than at the next due probe. Only when
     * there is probing to plan: the snapshot changes as an app restarts, and a thread woken then for
     * nothing took the CPU from the app as it started (0.1 ms, seen with perf sched).
     */
    public void targetsChanged() {
        // An app with a memory limit is sampled every period from its start, even when the others rest.
        if (resting && anyLimit(targets.get()) && sampleWake.availablePermits() == 0) sampleWake.release();
        if (!probing && !anyProbe(targets.get())) return;
        startProbes();
        if (wake.availablePermits() == 0) wake.release();
    }

    public void stop() {
        running = false;
        heartbeats.close();
    }

    /**
     * Any thread: returns once the figures the engine holds are at most one sampling period old: at once
     * when they are, else after a sample taken now has been posted to the engine (so a request posted after
     * this is handled after it), or after {@link #FRESHEN_WAIT_NANOS} at most. Readers of the figures call
     * it, since a daemon at rest samples only every {@link #IDLE_EVERY} periods.
     */
    public void freshen() {
        long period = sampleInterval.toNanos();
        if (period == 0 || !running) return;
        long asked = System.nanoTime();
        synchronized (fresh) {
            if (asked - freshAt < period) return;
            demanded = true;
            if (sampleWake.availablePermits() == 0) sampleWake.release();
            long left;
            while (asked - freshAt >= period && (left = asked + FRESHEN_WAIT_NANOS - System.nanoTime()) > 0) {
                try {
                    fresh.wait(left / 1_000_000 + 1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean anyProbe(List<Target> current) {
        for (Target t : current) if (t.probe().isPresent()) return true;
        return false;
    }

    private static boolean anyLimit(List<Target> current) {
        for (Target t : current) if (t.maxMemory() > 0) return true;
        return false;
    }

    /**
     * Samples every interval while some app runs or has a memory limit, else every {@link #IDLE_EVERY}
     * intervals and whenever a reader asks ({@link #freshen}), and posts only the usages that changed: an
     * idle app costs the engine nothing.
     */
    private void sampleLoop() {
        List<Target> seen = List.of();
        var groups = new HashMap<Long, String>();
        var reported = new HashMap<Long, Sampler.Usage>();
        boolean watching = true;
        while (running) {
            long began = System.nanoTime();
            // A sample at rest or on demand reads every member, quiet ones too: its figures are all new.
            boolean whole = takeDemand() || !watching;
            if (whole) sampler.readAllNext();
            var current = targets.get();
            if (current != seen) {
                groups.clear();
                for (Target t : current) groups.put(t.pid(), t.cgroup());
                reported.keySet().retainAll(groups.keySet());
                seen = current;
            }
            if (!current.isEmpty()) {
                var usage = sampler.sample(groups, System.nanoTime());
                var out = new ArrayList<Observation.Usage>();
                for (Target t : current) {
                    var changed = changed(t, usage, reported); // a method, so it is compiled soon (Sampler.sample)
                    if (changed != null) out.add(changed);
                }
                if (!out.isEmpty()) sink.accept(new Observation.Samples(out));
            } else {
                sampler.clear();
            }
            if (whole) tookFresh(began);
            watching = sampler.busy() || anyLimit(current);
            rest(watching ? 1 : IDLE_EVERY);
        }
    }

    /** Whether a reader asked for a sample since the last one began; the ask is taken. */
    private boolean takeDemand() {
        synchronized (fresh) {
            boolean asked = demanded;
            demanded = false;
            return asked;
        }
    }

    /** A sample that read every member, begun at {@code began}, is posted: readers waiting for one go on. */
    private void tookFresh(long began) {
        synchronized (fresh) {
            freshAt = began;
            fresh.notifyAll();
        }
    }

    /** Sleeps {@code periods} sampling periods, or less when a reader wants fresh figures. */
    private void rest(int periods) {
        resting = periods > 1;
        try {
            if (sampleWake.tryAcquire(periods * sampleInterval.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                sampleWake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            resting = false;
        }
    }

    /** The target's usage if it changed since it was last reported, else null. */
    private static Observation.Usage changed(Target t, Map<Long, Sampler.Usage> usage, Map<Long, Sampler.Usage> reported) {
        var u = usage.get(t.pid());
        if (u == null || u.processes() == 0 || u.equals(reported.get(t.pid()))) return null;
        reported.put(t.pid(), u);
        return new Observation.Usage(t.name(), t.pid(), u.cpuPercent(), u.rssBytes(), u.processes(),
                (double) u.cpuTicks() / Sampler.CLOCK_TICKS);
    }

    /**
     * Starts each due probe on its own virtual thread, one per run in flight at a time, then sleeps until
     * the next one is due or the snapshot changes: an idle daemon wakes only when there is work.
     */
    private void probeLoop() {
        while (running) {
            long now = System.nanoTime();
            long next = now + Duration.ofSeconds(60).toNanos();
            var live = new HashSet<String>();
            for (Target t : targets.get()) {
                if (t.probe().isEmpty()) continue;
                String key = t.name() + "/" + t.pid();
                live.add(key);
                long due = nextProbe.computeIfAbsent(key, k -> now + FIRST_PROBE.toNanos());
                if (now < due || !inFlight.add(key)) {
                    next = Math.min(next, Math.max(due, now + FIRST_PROBE.toNanos()));
                    continue;
                }
                // Until its first pass a process is probed often, so a fast app is running within moments.
                Duration every = t.starting() ? pm.core.HealthSettings.STARTING_INTERVAL : t.health().interval();
                nextProbe.put(key, now + every.toNanos());
                next = Math.min(next, now + every.toNanos());
                Thread.ofVirtual().name("pm-probe").start(() -> {
                    try {
                        var r = prober.probe(t.probe().get(), t.health().timeout(), t.cwd());
                        sink.accept(new Observation.ProbeResult(t.name(), t.pid(), r.ok(), r.detail()));
                    } finally {
                        inFlight.remove(key);
                    }
                });
            }
            nextProbe.keySet().retainAll(live);
            probing = !nextProbe.isEmpty();
            try {
                if (wake.tryAcquire(Math.max(1, next - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
