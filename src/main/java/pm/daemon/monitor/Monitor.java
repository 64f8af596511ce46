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
        if (!probing && !anyProbe(targets.get())) return;
        startProbes();
        if (wake.availablePermits() == 0) wake.release();
    }

    public void stop() {
        running = false;
        heartbeats.close();
    }

    private static boolean anyProbe(List<Target> current) {
        for (Target t : current) if (t.probe().isPresent()) return true;
        return false;
    }

    /** Samples every interval, and posts only the usages that changed: an idle app costs the engine nothing. */
    private void sampleLoop() {
        List<Target> seen = List.of();
        var groups = new HashSet<Long>();
        var reported = new HashMap<Long, Sampler.Usage>();
        while (running) {
            var current = targets.get();
            if (current != seen) {
                groups.clear();
                for (Target t : current) groups.add(t.pid());
                reported.keySet().retainAll(groups);
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
            sleep(sampleInterval.toMillis());
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
