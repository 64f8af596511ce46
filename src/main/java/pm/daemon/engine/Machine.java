package pm.daemon.engine;

import pm.core.ExitOutcome;
import pm.core.Health;
import pm.core.HealthSettings;
import pm.core.ProcessState;
import pm.core.RestartPolicy;
import pm.core.Signals;
import pm.core.Units;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * The state machine of one process: (process, event, now) to (changed process, effects). Time comes in
 * as {@code now} (and the wall clock, only to stamp an exit or a probe for display) and it touches no process,
 * so it can be tested as a table; the engine carries out the effects.
 */
public final class Machine {
    private Machine() {}

    /** A run this long resets the crash streak, so a backoff only grows for a real crash loop. */
    public static final Duration STABLE_AFTER = Duration.ofSeconds(1);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How often a stop re-checks whether the process group is gone once the leader has exited. */
    static final Duration GROUP_POLL = Duration.ofMillis(50);

    private static final List<Effect> NONE = List.of();

    /** {@code now} is monotonic nanoseconds; {@code wallMillis} the wall clock, only to stamp what is shown. */
    public static List<Effect> apply(Proc p, Event event, long now, long wallMillis) {
        return switch (event) {
            case Event.Start s -> start(p, s.waitingFor());
            case Event.Stop s -> stop(p, s.force(), now);
            case Event.Restart r -> restart(p, r.waitingFor(), now);
            case Event.Spawned s -> spawned(p, s, now);
            case Event.SpawnFailed f -> spawnFailed(p, f);
            case Event.Exited x -> exited(p, x, now, wallMillis);
            case Event.Timer t -> timer(p, t, now);
            case Event.Probed r -> probed(p, r, now, wallMillis);
            case Event.Sampled s -> sampled(p, s, now);
            case Event.Beat b -> beat(p, b);
            case Event.BeatLost l -> beatLost(p, l, now);
        };
    }

    private static List<Effect> start(Proc p, String waitingFor) {
        p.wanted = true;
        return switch (p.state) {
            // A user start is a fresh chance: forget the crash streak. It waits while a dependency is not ready.
            case STOPPED, EXITED, FATAL, BACKOFF, WAITING -> {
                p.streak = 0;
                if (waitingFor.isEmpty()) yield spawn(p);
                settle(p, ProcessState.WAITING, "waiting for " + waitingFor);
                yield NONE;
            }
            // Already on its way up, or up: nothing to do.
            case STARTING, RUNNING -> NONE;
            // Being stopped: start again once it is down.
            case STOPPING -> {
                p.afterStop = Proc.AfterStop.START;
                yield NONE;
            }
        };
    }

    private static List<Effect> stop(Proc p, boolean force, long now) {
        p.wanted = false;
        p.afterStop = Proc.AfterStop.STOPPED;
        return switch (p.state) {
            // Nothing runs: cancel any pending restart or wait, and settle as stopped.
            case BACKOFF, EXITED, FATAL, STOPPED, WAITING -> {
                settle(p, ProcessState.STOPPED, p.state == ProcessState.STOPPED ? p.reason : "stopped by user");
                yield NONE;
            }
            // Signal the whole group and give it the kill timeout to go.
            case STARTING, RUNNING -> signalStop(p, force, now);
            // Already stopping: a forced stop escalates at once.
            case STOPPING -> {
                if (!force || p.killSent) yield NONE;
                p.killSent = true;
                yield List.of(new Effect.Signal(p.pid, Signals.SIGKILL));
            }
        };
    }

    private static List<Effect> signalStop(Proc p, boolean force, long now) {
        p.state = ProcessState.STOPPING;
        p.reason = "stopping";
        p.leaderGone = false;
        p.killSent = force;
        p.killAt = now + p.spec.killTimeout().toNanos();
        p.deadline = p.killAt;
        return List.of(new Effect.Signal(p.pid, force ? Signals.SIGKILL : p.spec.stopSignal()));
    }

    private static List<Effect> restart(Proc p, String waitingFor, long now) {
        if (p.state == ProcessState.RUNNING || p.state == ProcessState.STARTING || p.state == ProcessState.STOPPING) {
            var effects = stop(p, false, now);
            p.wanted = true;
            p.afterStop = Proc.AfterStop.START;
            return effects;
        }
        return start(p, waitingFor);
    }

    private static List<Effect> spawn(Proc p) {
        p.state = ProcessState.STARTING;
        p.reason = "";
        p.deadline = 0;
        p.afterStop = Proc.AfterStop.STOPPED;
        p.pid = 0;
        return List.of(new Effect.Spawn());
    }

    private static List<Effect> spawned(Proc p, Event.Spawned s, long now) {
        if (p.state != ProcessState.STARTING) return NONE; // a spawn nobody waits for any more; cannot happen on one thread
        p.pid = s.pid();
        p.startedAtMillis = s.wallMillis();
        p.startedNanos = now;
        p.reason = "";
        p.probeFailures = 0;
        p.probeDetail = "";
        p.lastBeatAtMillis = 0;
        p.cpuPercent = Double.NaN;
        p.rssBytes = -1;
        p.cpuSeconds = 0;
        p.unjudged();
        // With a health check it is starting until its first probe passes; without one it runs now.
        if (p.spec.healthCheck().isEmpty()) p.state = ProcessState.RUNNING;
        return NONE;
    }

    private static List<Effect> spawnFailed(Proc p, Event.SpawnFailed f) {
        // Spawn failures (missing program, bad permissions) do not heal by retrying: give up at once.
        p.lastExit = new ExitOutcome.FailedToStart(f.reason());
        p.spawnFailures++;
        settle(p, ProcessState.FATAL, "failed to start: " + f.reason());
        return NONE;
    }

    private static List<Effect> exited(Proc p, Event.Exited x, long now, long wallMillis) {
        if (x.pid() != p.pid || p.pid == 0) return NONE; // an exit of an earlier run, already accounted for
        p.leaderGone = true;
        p.lastExitAtMillis = wallMillis;
        return switch (p.state) {
            // The stop worked for the leader; the stop is done when its whole group is gone too.
            case STOPPING -> {
                p.lastExit = outcome(x.status(), true);
                if (x.groupAlive()) {
                    p.deadline = Math.min(p.killAt, now + GROUP_POLL.toNanos());
                    yield NONE;
                }
                yield stopped(p, now);
            }
            // It ended by itself: clean up what it left in its group, then the policy decides.
            case RUNNING, STARTING -> {
                p.lastExit = outcome(x.status(), false);
                var cleanup = x.groupAlive() ? List.<Effect>of(new Effect.Signal(p.pid, Signals.SIGKILL)) : NONE;
                var restart = afterExit(p, now);
                if (restart.isEmpty()) yield cleanup;
                yield cleanup.isEmpty() ? restart : List.of(cleanup.getFirst(), restart.getFirst());
            }
            // No process of ours should be running in these states.
            case STOPPED, WAITING, BACKOFF, EXITED, FATAL -> NONE;
        };
    }

    private static List<Effect> afterExit(Proc p, long now) {
        ExitOutcome out = p.lastExit;
        RestartPolicy policy = p.spec.restartPolicy();
        p.pid = 0;
        if (!policy.restartsAfter(out)) {
            settle(p, ProcessState.EXITED, out.describe() + "; policy " + policy.wireName() + " does not restart it");
            return NONE;
        }
        String giveUp = countRestart(p, out.describe(), now);
        if (!giveUp.isEmpty()) {
            settle(p, ProcessState.FATAL, giveUp);
            return NONE;
        }
        return restartOrBackoff(p, out.describe(), now);
    }

    /** Counts one more automatic restart in the streak; returns why to give up, or "" to go on. */
    private static String countRestart(Proc p, String why, long now) {
        boolean stable = now - p.startedNanos >= STABLE_AFTER.toNanos();
        p.streak = stable ? 1 : p.streak + 1;
        if (p.spec.restartPolicy() != RestartPolicy.UNLESS_STOPPED && p.streak > p.spec.maxRestarts())
            return "crash loop: " + why + " after " + p.spec.maxRestarts() + " restarts in a row, each up less than "
                    + STABLE_AFTER.toSeconds() + "s; gave up";
        return "";
    }

    /** The first crash in a row costs no wait (a one-off crash after a stable run); a quick one after it waits. */
    private static List<Effect> restartOrBackoff(Proc p, String why, long now) {
        if (!backoff(p.spec.restartDelay(), p.streak).isZero()) {
            backoff(p, why, now);
            return NONE;
        }
        p.restarts++;
        var effects = spawn(p);
        p.reason = why + "; restarted at once"; // what the history shows for this transition; the spawn clears it
        return effects;
    }

    private static void backoff(Proc p, String why, long now) {
        long delay = backoff(p.spec.restartDelay(), p.streak).toNanos();
        p.state = ProcessState.BACKOFF;
        p.pid = 0;
        p.deadline = now + delay;
        p.reason = why + "; restart " + p.streak + " in " + Duration.ofNanos(delay).toMillis() + "ms";
    }

    /** The shortest delay from the second restart in a row on, so even --restart-delay 0 cannot spin. */
    static final Duration MIN_BACKOFF = Duration.ofMillis(10);

    /**
     * The delay before restart number {@code streak} in a row: none for the first (a one-off crash, as PM2
     * restarts), {@code delay} for the second, then doubling, capped.
     */
    public static Duration backoff(Duration delay, int streak) {
        if (streak <= 1) return Duration.ZERO;
        long ms = Math.max(delay.toMillis(), MIN_BACKOFF.toMillis());
        long cap = Math.max(ms, MAX_BACKOFF.toMillis()); // a delay above the cap is taken as asked
        for (int i = 2; i < streak && ms < cap; i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, cap));
    }

    private static List<Effect> timer(Proc p, Event.Timer t, long now) {
        if (p.deadline == 0 || now < p.deadline) return NONE;
        p.deadline = 0;
        return switch (p.state) {
            // The restart delay is over.
            case BACKOFF -> {
                p.restarts++;
                yield spawn(p);
            }
            case STOPPING -> {
                if (p.leaderGone && !t.groupAlive()) yield stopped(p, now);
                if (!p.killSent && now >= p.killAt) {
                    // The kill timeout ran out: no more asking.
                    p.killSent = true;
                    p.reason = "did not stop within " + p.spec.killTimeout().toMillis() + "ms; sent SIGKILL";
                    p.deadline = now + GROUP_POLL.toNanos();
                    yield List.of(new Effect.Signal(p.pid, Signals.SIGKILL));
                }
                p.deadline = now + GROUP_POLL.toNanos();
                yield NONE;
            }
            // No timers run in these states (a waiting app is woken by the engine, when its dependencies change).
            case STOPPED, WAITING, STARTING, RUNNING, EXITED, FATAL -> NONE;
        };
    }

    /** The whole group is gone: where the stop leads depends on why it was stopped. */
    private static List<Effect> stopped(Proc p, long now) {
        p.pid = 0;
        p.unjudged();
        var after = p.afterStop;
        p.afterStop = Proc.AfterStop.STOPPED;
        switch (after) {
            case START -> {
                p.streak = 0;
                return spawn(p);
            }
            case BACKOFF -> {
                return restartOrBackoff(p, p.afterStopReason, now);
            }
            case FATAL -> settle(p, ProcessState.FATAL, p.afterStopReason);
            case STOPPED -> settle(p, ProcessState.STOPPED, p.killSent ? "killed by SIGKILL" : "stopped by user");
        }
        return NONE;
    }

    private static List<Effect> probed(Proc p, Event.Probed r, long now, long wallMillis) {
        if (r.pid() != p.pid || p.pid == 0 || (p.state != ProcessState.STARTING && p.state != ProcessState.RUNNING)) return NONE;
        p.probeDetail = r.detail();
        p.lastProbeAtMillis = wallMillis;
        if (r.ok()) {
            // First pass: it is up. Later passes: it recovered, or still is fine, as far as the probe can tell.
            p.probeFailures = 0;
            p.probeHealth = Health.HEALTHY;
            if (p.state == ProcessState.STARTING) p.state = ProcessState.RUNNING;
            judge(p);
            return NONE;
        }
        HealthSettings h = p.spec.health();
        // Failures while it may still be booting do not count.
        if (p.state == ProcessState.STARTING && now - p.startedNanos < h.startPeriod().toNanos()) return NONE;
        p.probeFailures++;
        if (p.probeFailures < h.retries() || p.probeHealth == Health.UNHEALTHY) return NONE;
        p.probeHealth = Health.UNHEALTHY;
        return unhealthy(p, "health check failed " + p.probeFailures + " times in a row: " + r.detail(), now);
    }

    private static List<Effect> beatLost(Proc p, Event.BeatLost l, long now) {
        if (l.pid() != p.pid || p.pid == 0) return NONE;
        p.beatLost = "no heartbeat for " + Units.formatDuration(Duration.ofMillis(l.silentMillis()));
        return unhealthy(p, p.beatLost, now);
    }

    /**
     * Health is the conjunction of what the probe and the heartbeats say: unhealthy while either fails, so a
     * passing probe never hides heartbeats that stopped, nor a beat a failing probe. Without a health check,
     * heartbeats are the health signal; with neither, there is no verdict.
     */
    static void judge(Proc p) {
        if (!p.beatLost.isEmpty()) p.health = Health.UNHEALTHY;
        else if (!p.spec.healthCheck().isEmpty()) p.health = p.probeHealth;
        else p.health = p.lastBeatAtMillis > 0 ? Health.HEALTHY : Health.NONE;
        if (p.health != Health.UNHEALTHY && p.reason.startsWith("unhealthy")) p.reason = "";
    }

    /** Health check or heartbeat says it is unwell: record why, and let the policy decide. */
    private static List<Effect> unhealthy(Proc p, String why, long now) {
        if (p.state != ProcessState.STARTING && p.state != ProcessState.RUNNING) return NONE;
        p.health = Health.UNHEALTHY;
        if (p.spec.restartPolicy() == RestartPolicy.NEVER) {
            p.reason = "unhealthy: " + why + "; policy never leaves it running";
            return NONE;
        }
        return restartUnwell(p, "unhealthy: " + why, now);
    }

    /** Stops a process that is running but unwell, then restarts it after the backoff, or gives up. */
    private static List<Effect> restartUnwell(Proc p, String why, long now) {
        String giveUp = countRestart(p, why, now);
        p.afterStop = giveUp.isEmpty() ? Proc.AfterStop.BACKOFF : Proc.AfterStop.FATAL;
        p.afterStopReason = giveUp.isEmpty() ? why : giveUp;
        var effects = signalStop(p, false, now);
        p.reason = why + "; stopping it";
        return effects;
    }

    private static List<Effect> sampled(Proc p, Event.Sampled s, long now) {
        if (s.pid() != p.pid || p.pid == 0) return NONE;
        p.cpuPercent = s.cpuPercent();
        p.rssBytes = s.rssBytes();
        p.groupSize = s.processes();
        long limit = p.spec.maxMemory();
        if (limit > 0 && s.rssBytes() > limit && (p.state == ProcessState.RUNNING || p.state == ProcessState.STARTING)) {
            // Like PM2's max_memory_restart, whatever the policy: the limit is the user's explicit wish.
            return restartUnwell(p, "memory " + Units.formatSize(s.rssBytes()) + " above --max-memory "
                    + Units.formatSize(limit), now);
        }
        return NONE;
    }

    private static List<Effect> beat(Proc p, Event.Beat b) {
        if (b.pid() != p.pid || p.pid == 0) return NONE;
        p.lastBeatAtMillis = b.wallMillis();
        p.beatLost = "";
        if (p.state == ProcessState.RUNNING) judge(p);
        return NONE;
    }

    private static void settle(Proc p, ProcessState state, String reason) {
        p.state = state;
        p.reason = reason;
        p.deadline = 0;
        p.pid = 0;
    }

    /** A status is an exit code, or minus the signal that killed it; none means pm was not the parent. */
    static ExitOutcome outcome(OptionalInt status, boolean sentByPm) {
        if (status.isEmpty()) return new ExitOutcome.Unknown();
        int s = status.getAsInt();
        return s < 0 ? new ExitOutcome.Signalled(-s, sentByPm) : new ExitOutcome.Exited(s);
    }
}
