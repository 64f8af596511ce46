package pm.daemon.engine;

import pm.core.ExitOutcome;
import pm.core.Health;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.StateChange;
import pm.daemon.controller.Processes;

import java.util.Optional;

/**
 * The engine's record of one process. Mutable on purpose, and owned by the engine thread alone: only
 * {@link Machine} and the engine change it, and everything else sees immutable snapshots built from it.
 */
public final class Proc {
    /** What a stop in progress leads to once the process group is gone. */
    enum AfterStop {
        /** Stay stopped (a user's stop). */
        STOPPED,
        /** Start again at once (a user's restart). */
        START,
        /** Start again, after the backoff if one is due (restarting an unhealthy app). */
        BACKOFF,
        /** Give up (an unhealthy app in a crash loop). */
        FATAL
    }

    final int id;
    /** The app's spec as registered; every copy of the app holds the same. */
    ProcessSpec spec;
    /** Which copy of the app this is, from 0. */
    final int copy;
    /** {@link #spec} as this copy runs it, made again when the spec is replaced. */
    private ProcessSpec runFor, runSpec;
    /** The desired state, kept apart from the observed one: what the user last asked for. */
    boolean wanted;
    ProcessState state = ProcessState.STOPPED;
    long pid;
    long startedAtMillis;
    long startedNanos;
    /** Automatic restarts since the daemon started. */
    int restarts;
    /** Restarts in a row, none of which stayed up long enough to count as stable. */
    int streak;
    ExitOutcome lastExit;
    /** Spawns that failed since the daemon started; a command compares it before and after. */
    int spawnFailures;
    long lastExitAtMillis;
    /** Why the process is in its state; empty when there is nothing to say. */
    String reason = "";
    /** Monotonic time of the next timer, or 0. */
    long deadline;
    long killAt;
    boolean killSent;
    boolean leaderGone;
    AfterStop afterStop = AfterStop.STOPPED;
    /** The reason to show once a stop that leads to FATAL or BACKOFF is done. */
    String afterStopReason = "";

    /** What probe and heartbeats say together (see {@code Machine.judge}); what status shows. */
    Health health = Health.NONE;
    /** What the health check alone says: NONE without one, UNKNOWN until its first pass. */
    Health probeHealth = Health.NONE;
    /** Why the heartbeats count as lost ("no heartbeat for 3s"), until the next beat; empty while they come. */
    String beatLost = "";
    int probeFailures;
    /** What the last probe saw ("HTTP 200 in 3ms", "connection refused"). */
    String probeDetail = "";
    long lastProbeAtMillis;
    long lastBeatAtMillis;
    double cpuPercent = Double.NaN;
    long rssBytes = -1;
    /** CPU time the current run's process group has used, as far as the sampler has seen (for /metrics). */
    double cpuSeconds;
    int groupSize;
    /** The current run's heartbeat secret. */
    String secret = "";
    /** The current run, while there is one. */
    Processes.Run run;
    /** Being unregistered: no more starts. */
    boolean removing;
    int rejectedBeats;

    static final int HISTORY = 20;
    static final int SAMPLES = 30;
    final java.util.ArrayDeque<StateChange> history = new java.util.ArrayDeque<>();
    /** The last {@link #SAMPLES} samples, oldest first, as a ring. */
    final double[] cpuHistory = new double[SAMPLES];
    final long[] rssHistory = new long[SAMPLES];
    int samplesTaken;

    /** Takes over a run an earlier daemon started: it is running; health is unknown until checked. */
    void adopt(Processes.Run adopted, long startedAt, int restartCount, String runSecret, long now, long nowMillis, String why) {
        run = adopted;
        pid = adopted.pid();
        state = ProcessState.RUNNING;
        startedAtMillis = startedAt;
        startedNanos = now - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(0, nowMillis - startedAt));
        restarts = restartCount;
        secret = runSecret;
        unjudged();
        reason = why;
    }

    /** A new run, or a new check: neither the probe nor the heartbeats have said anything yet. */
    void unjudged() {
        health = spec.healthCheck().isEmpty() ? Health.NONE : Health.UNKNOWN;
        probeHealth = health;
        beatLost = "";
    }

    /** What status shows beside the health: which signal failed (the heartbeats, the probe, or both), else the probe's last word. */
    String healthDetail() {
        if (beatLost.isEmpty()) return probeDetail;
        return probeHealth == Health.UNHEALTHY ? beatLost + "; " + probeDetail : beatLost;
    }

    void recordTransition(long atMillis, ProcessState from, ProcessState to, String why) {
        if (history.size() == HISTORY) history.removeFirst();
        history.addLast(new StateChange(atMillis, from, to, why));
    }

    void recordSample(double cpu, long rss) {
        cpuHistory[samplesTaken % SAMPLES] = cpu;
        rssHistory[samplesTaken % SAMPLES] = rss;
        samplesTaken++;
    }

    public Proc(int id, ProcessSpec spec, boolean wanted) {
        this(id, spec, wanted, 0);
    }

    Proc(int id, ProcessSpec spec, boolean wanted, int copy) {
        this.id = id;
        this.spec = spec;
        this.wanted = wanted;
        this.copy = copy;
    }

    /** The spec this copy runs: its own name, port and PM_INSTANCE ({@link ProcessSpec#copy}); the same object while the spec is. */
    ProcessSpec runSpec() {
        if (runFor != spec) {
            runSpec = spec.copy(copy);
            runFor = spec;
        }
        return runSpec;
    }

    /** Beat three times per timeout, so one lost datagram never makes an app unhealthy. */
    java.time.Duration heartbeatInterval() {
        long timeout = spec.heartbeatTimeout().toMillis();
        return java.time.Duration.ofMillis(timeout <= 0 ? 10_000 : Math.max(100, timeout / 3));
    }

    /** Its key among the engine's processes, its log files' name and the monitor's: NAME, or NAME:i for copies after the first. */
    String name() {
        return runSpec().name();
    }

    /** How status shows it: NAME:i for every copy of an app with more than one, else NAME. */
    String shownName() {
        return copy == 0 && spec.copies().count() > 1 ? spec.name() + ":0" : name();
    }

    public int id() {
        return id;
    }

    public ProcessSpec spec() {
        return spec;
    }

    public boolean wanted() {
        return wanted;
    }

    public ProcessState state() {
        return state;
    }

    public long pid() {
        return pid;
    }

    public int restarts() {
        return restarts;
    }

    public String reason() {
        return reason;
    }

    public long deadline() {
        return deadline;
    }

    public Health health() {
        return health;
    }

    public Optional<ExitOutcome> lastExit() {
        return Optional.ofNullable(lastExit);
    }

    public long lastExitAtMillis() {
        return lastExitAtMillis;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** Settled: no spawn or stop is under way (a process waiting for its first health check is settled). */
    public boolean settled() {
        return afterStop == AfterStop.STOPPED && state != ProcessState.STOPPING && !(state == ProcessState.STARTING && pid == 0);
    }
}
