package pm.daemon.engine;

import pm.core.ExitOutcome;
import pm.core.ProcessSpec;

import java.util.Optional;

/**
 * The engine's record of one process. Mutable on purpose, and owned by the engine thread alone: only
 * {@link Machine} and the engine change it, and everything else sees immutable snapshots built from it.
 */
public final class Proc {
    final int id;
    ProcessSpec spec;
    /** The desired state, kept apart from the observed one: what the user last asked for. */
    boolean wanted;
    State state = State.STOPPED;
    long pid;
    long startedAtMillis;
    long startedNanos;
    /** Automatic restarts since the daemon started. */
    int restarts;
    /** Restarts in a row, none of which stayed up long enough to count as stable. */
    int streak;
    ExitOutcome lastExit;
    long lastExitAtMillis;
    /** Why the process is in its state; empty when there is nothing to say. */
    String reason = "";
    /** Monotonic time of the next timer, or 0. */
    long deadline;
    long killAt;
    boolean killSent;
    boolean leaderGone;
    /** A restart in progress: start again once the stop is done. */
    boolean thenStart;

    public Proc(int id, ProcessSpec spec, boolean wanted) {
        this.id = id;
        this.spec = spec;
        this.wanted = wanted;
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

    public State state() {
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

    public Optional<ExitOutcome> lastExit() {
        return Optional.ofNullable(lastExit);
    }

    public long lastExitAtMillis() {
        return lastExitAtMillis;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** Settled: no spawn, stop or restart is under way. */
    public boolean settled() {
        return !thenStart && state != State.STARTING && state != State.STOPPING;
    }
}
