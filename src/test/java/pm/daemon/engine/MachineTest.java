package pm.daemon.engine;

import pm.core.ProcessState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import pm.core.ExitOutcome;
import pm.core.Health;
import pm.core.HealthSettings;
import pm.core.LogSettings;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process state machine, driven event by event with a clock we control. {@code now} is in
 * nanoseconds; {@link #T0} is an arbitrary origin far from zero, because 0 means "no deadline".
 */
class MachineTest {
    static final long T0 = 5_000_000_000_000L;
    static final Duration DELAY = Duration.ofMillis(100);
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(2);
    static final long PID = 4242;
    static final long WALL = 1_795_676_750_000L;

    static final Effect SPAWN = new Effect.Spawn();
    static final List<Effect> NONE = List.of();

    Proc p;
    long now = T0;

    static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    static ProcessSpec spec(RestartPolicy policy, int maxRestarts, int stopSignal) {
        return new ProcessSpec("app", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                policy, maxRestarts, DELAY, stopSignal, KILL_TIMEOUT);
    }

    void newProc(RestartPolicy policy, int maxRestarts) {
        p = new Proc(1, spec(policy, maxRestarts, Signals.SIGTERM), false);
    }

    List<Effect> on(Event e) {
        return Machine.apply(p, e, now, WALL);
    }

    void advanceMillis(long millis) {
        now += ms(millis);
    }

    /** Start and spawn with {@code pid}, ending in RUNNING. */
    void run(long pid) {
        assertThat(on(new Event.Start())).containsExactly(SPAWN);
        assertThat(on(new Event.Spawned(pid, 1_700_000_000_000L))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
    }

    /** From RUNNING: stay up {@code upMillis}, then exit with {@code status}. */
    List<Effect> crashAfter(long upMillis, int status) {
        advanceMillis(upMillis);
        return on(new Event.Exited(p.pid, status, false));
    }

    /**
     * After a crash: restarted at once (STARTING), or in BACKOFF, whose deadline is waited out exactly;
     * respawns with {@code pid}. Returns how long it waited, in ms.
     */
    long restartFromBackoff(long pid) {
        long waited = 0;
        if (p.state == ProcessState.BACKOFF) {
            waited = (p.deadline - now) / 1_000_000;
            now = p.deadline;
            assertThat(on(new Event.Timer(false))).containsExactly(SPAWN);
        }
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        on(new Event.Spawned(pid, 0));
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        return waited;
    }

    // ---- start and spawn ----

    @Test
    void startFromStoppedSpawnsThenSpawnedIsRunningWithPid() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        assertThat(on(new Event.Start())).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        assertThat(p.wanted).isTrue();

        assertThat(on(new Event.Spawned(PID, 123L))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        assertThat(p.pid).isEqualTo(PID);
        assertThat(p.startedAtMillis).isEqualTo(123L);
        assertThat(p.startedNanos).isEqualTo(now);
        assertThat(p.reason).isEmpty();
    }

    @Test
    void startWhileStartingOrRunningDoesNothing() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        on(new Event.Start());
        assertThat(on(new Event.Start())).isEqualTo(NONE);
        on(new Event.Spawned(PID, 0));
        assertThat(on(new Event.Start())).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void spawnFailedIsFatalWithTheReason() {
        newProc(RestartPolicy.UNLESS_STOPPED, 3);
        on(new Event.Start());
        assertThat(on(new Event.SpawnFailed("no such file: /bin/true"))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
        assertThat(p.reason).isEqualTo("failed to start: no such file: /bin/true");
        assertThat(p.lastExit).isEqualTo(new ExitOutcome.FailedToStart("no such file: /bin/true"));
        assertThat(p.deadline).isZero();
    }

    // ---- stop ----

    @Test
    void stopRunningSendsTheStopSignalThenExitWithGroupGoneIsStopped() {
        p = new Proc(1, spec(RestartPolicy.ALWAYS, 3, Signals.parse("INT")), false);
        run(PID);
        assertThat(on(new Event.Stop(false))).containsExactly(new Effect.Signal(PID, 2));
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        assertThat(p.wanted).isFalse();
        assertThat(p.deadline).isEqualTo(now + KILL_TIMEOUT.toNanos());

        advanceMillis(50);
        assertThat(on(new Event.Exited(PID, -2, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.reason).isEqualTo("stopped by user");
        assertThat(p.pid).isZero();
        assertThat(p.deadline).isZero();
        assertThat(p.lastExit).isEqualTo(new ExitOutcome.Signalled(2, true));
    }

    @Test
    void leaderExitWithGroupAliveStaysStoppingUntilATimerSeesTheGroupGone() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        on(new Event.Stop(false));
        advanceMillis(10);
        assertThat(on(new Event.Exited(PID, -15, true))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        assertThat(p.deadline).isEqualTo(now + Machine.GROUP_POLL.toNanos());

        now = p.deadline;
        assertThat(on(new Event.Timer(true))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);

        now = p.deadline;
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
    }

    @Test
    void aGroupThatOutlivesTheKillTimeoutGetsSigkillToTheGroup() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        on(new Event.Stop(false));
        long killAt = p.killAt;
        on(new Event.Exited(PID, -15, true));
        while (p.deadline < killAt) {
            now = p.deadline;
            assertThat(on(new Event.Timer(true))).isEqualTo(NONE);
        }
        now = p.deadline;
        assertThat(on(new Event.Timer(true))).containsExactly(new Effect.Signal(PID, Signals.SIGKILL));
        now = p.deadline;
        on(new Event.Timer(false));
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.reason).isEqualTo("killed by SIGKILL");
    }

    @Test
    void killTimeoutSendsSigkillToALeaderThatIgnoresTheStopSignal() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        on(new Event.Stop(false));

        now += KILL_TIMEOUT.toNanos() - 1;
        assertThat(on(new Event.Timer(true))).as("before the kill timeout").isEqualTo(NONE);

        now += 1;
        assertThat(on(new Event.Timer(true))).containsExactly(new Effect.Signal(PID, Signals.SIGKILL));
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        assertThat(p.reason).isEqualTo("did not stop within 2000ms; sent SIGKILL");

        now = p.deadline;
        assertThat(on(new Event.Timer(true))).as("SIGKILL is sent once").isEqualTo(NONE);

        assertThat(on(new Event.Exited(PID, -9, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.reason).isEqualTo("killed by SIGKILL");
        assertThat(p.lastExit).isEqualTo(new ExitOutcome.Signalled(9, true));
    }

    @Test
    void forceStopSendsSigkillAtOnce() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        assertThat(on(new Event.Stop(true))).containsExactly(new Effect.Signal(PID, Signals.SIGKILL));
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        on(new Event.Exited(PID, -9, false));
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.reason).isEqualTo("killed by SIGKILL");
    }

    @Test
    void forceStopWhileStoppingEscalatesOnce() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        on(new Event.Stop(false));
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(on(new Event.Stop(true))).containsExactly(new Effect.Signal(PID, Signals.SIGKILL));
        assertThat(on(new Event.Stop(true))).isEqualTo(NONE);
    }

    @Test
    void stopWhenNothingRunsSettlesAsStopped() {
        newProc(RestartPolicy.NEVER, 3);
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);

        run(PID);
        crashAfter(500, 0);
        assertThat(p.state).isEqualTo(ProcessState.EXITED);
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.reason).isEqualTo("stopped by user");
    }

    @ParameterizedTest(name = "{0}, exit status {1}")
    @CsvSource({
        "NEVER, 0", "NEVER, 1", "NEVER, -15", "NEVER, -9",
        "ON_FAILURE, 0", "ON_FAILURE, 1", "ON_FAILURE, -15", "ON_FAILURE, -9",
        "ALWAYS, 0", "ALWAYS, 1", "ALWAYS, -15", "ALWAYS, -9",
        "UNLESS_STOPPED, 0", "UNLESS_STOPPED, 1", "UNLESS_STOPPED, -15", "UNLESS_STOPPED, -9",
    })
    void aUserStopNeverLeadsToARestart(RestartPolicy policy, int status) {
        newProc(policy, 3);
        run(PID);
        on(new Event.Stop(false));
        advanceMillis(10);
        assertThat(on(new Event.Exited(PID, status, false))).doesNotContain(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.deadline).isZero();
        advanceMillis(60_000);
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
    }

    // ---- exits and the restart policy ----

    @ParameterizedTest(name = "{0}, exit status {1} -> {2}")
    @CsvSource({
        "NEVER,          0,   EXITED",
        "NEVER,          1,   EXITED",
        "NEVER,          -9, EXITED",
        "ON_FAILURE,     0,   EXITED",
        "ON_FAILURE,     1,   STARTING",
        "ON_FAILURE,     -9, STARTING",
        "ALWAYS,         0,   STARTING",
        "ALWAYS,         1,   STARTING",
        "ALWAYS,         -9, STARTING",
        "UNLESS_STOPPED, 0,   STARTING",
        "UNLESS_STOPPED, 1,   STARTING",
        "UNLESS_STOPPED, -9, STARTING",
    })
    void theRestartPolicyDecidesAfterAnExitOnItsOwn(RestartPolicy policy, int status, ProcessState expected) {
        newProc(policy, 3);
        run(PID);
        // The first crash in a row is restarted at once, with no backoff.
        assertThat(crashAfter(500, status)).isEqualTo(expected == ProcessState.STARTING ? List.of(SPAWN) : NONE);
        assertThat(p.state).isEqualTo(expected);
        assertThat(p.pid).isZero();
        assertThat(p.lastExit).isEqualTo(status == -9 ? new ExitOutcome.Signalled(9, false) : new ExitOutcome.Exited(status));
        if (expected == ProcessState.STARTING) {
            assertThat(p.deadline).isZero();
            assertThat(p.restarts).isEqualTo(1);
            assertThat(p.reason).endsWith("; restarted at once");
        } else {
            assertThat(p.deadline).isZero();
            assertThat(p.reason).contains("policy " + policy.wireName() + " does not restart it");
        }
    }

    @Test
    void anExitLeavingTheGroupAliveKillsTheRest() {
        newProc(RestartPolicy.NEVER, 3);
        run(PID);
        advanceMillis(100);
        assertThat(on(new Event.Exited(PID, 0, true))).containsExactly(new Effect.Signal(PID, Signals.SIGKILL));
        assertThat(p.state).isEqualTo(ProcessState.EXITED);
    }

    @Test
    void backoffTimerAtTheDeadlineRespawnsAndCountsTheRestart() {
        newProc(RestartPolicy.ALWAYS, 3);
        run(PID);
        crashAfter(500, 1);
        restartFromBackoff(PID + 1);
        crashAfter(500, 1);
        assertThat(p.reason).contains("restart 2 in 100ms");
        long deadline = p.deadline;

        now = deadline - 1;
        assertThat(on(new Event.Timer(false))).as("before the deadline").isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.BACKOFF);

        now = deadline;
        assertThat(on(new Event.Timer(false))).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        assertThat(p.restarts).isEqualTo(2);
        assertThat(p.deadline).isZero();
    }

    @Test
    void stopDuringBackoffCancelsTheRestart() {
        newProc(RestartPolicy.ALWAYS, 3);
        run(PID);
        crashAfter(500, 1);
        restartFromBackoff(PID + 1);
        crashAfter(500, 1);
        assertThat(p.state).isEqualTo(ProcessState.BACKOFF);
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.deadline).isZero();
        assertThat(p.reason).isEqualTo("stopped by user");

        advanceMillis(60_000);
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.restarts).isEqualTo(1);
    }

    @Test
    void backoffIsNoneForTheFirstRestartThenTheDelayDoublingAndCappedAt30s() {
        assertThat(Machine.backoff(DELAY, 1)).isEqualTo(Duration.ZERO);
        assertThat(Machine.backoff(DELAY, 2)).isEqualTo(Duration.ofMillis(100));
        assertThat(Machine.backoff(DELAY, 3)).isEqualTo(Duration.ofMillis(200));
        assertThat(Machine.backoff(DELAY, 4)).isEqualTo(Duration.ofMillis(400));
        assertThat(Machine.backoff(DELAY, 10)).isEqualTo(Duration.ofMillis(25_600));
        assertThat(Machine.backoff(DELAY, 11)).isEqualTo(Machine.MAX_BACKOFF);
        assertThat(Machine.backoff(DELAY, 1000)).isEqualTo(Machine.MAX_BACKOFF);
        assertThat(Machine.backoff(Duration.ofSeconds(1), 7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Machine.backoff(Duration.ofMinutes(2), 5)).as("a delay above the cap is taken as asked").isEqualTo(Duration.ofMinutes(2));
        assertThat(Machine.backoff(Duration.ZERO, 1)).isEqualTo(Duration.ZERO);
        assertThat(Machine.backoff(Duration.ZERO, 2)).isEqualTo(Duration.ofMillis(10));
        assertThat(Machine.backoff(Duration.ZERO, 3)).isEqualTo(Duration.ofMillis(20));
        assertThat(Machine.backoff(Duration.ZERO, 50)).isEqualTo(Machine.MAX_BACKOFF);
    }

    @Test
    void quickCrashesWaitLongerEachTimeFromTheSecond() {
        newProc(RestartPolicy.ON_FAILURE, 10);
        run(PID);
        long[] expectedMillis = {0, 100, 200, 400, 800, 1600};
        for (int i = 0; i < expectedMillis.length; i++) {
            crashAfter(200, 1);
            assertThat(restartFromBackoff(PID + i + 1)).as("delay before restart %d", i + 1).isEqualTo(expectedMillis[i]);
        }
        assertThat(p.restarts).isEqualTo(expectedMillis.length);
    }

    @ParameterizedTest
    @EnumSource(value = RestartPolicy.class, names = {"ON_FAILURE", "ALWAYS"})
    void maxRestartsQuickCrashesInARowIsFatalCrashLoop(RestartPolicy policy) {
        newProc(policy, 3);
        run(PID);
        for (int i = 1; i <= 3; i++) {
            crashAfter(500, 1);
            restartFromBackoff(PID + i);
        }
        crashAfter(500, 1);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
        assertThat(p.reason).contains("crash loop").contains("after 3 restarts in a row");
        assertThat(p.restarts).isEqualTo(3);
        assertThat(p.deadline).isZero();
        advanceMillis(60_000);
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
    }

    @Test
    void maxRestartsZeroGivesUpAtTheFirstCrash() {
        newProc(RestartPolicy.ALWAYS, 0);
        run(PID);
        crashAfter(500, 0);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
        assertThat(p.reason).contains("crash loop");
    }

    @Test
    void unlessStoppedNeverGoesFatalAndItsBackoffStaysCapped() {
        newProc(RestartPolicy.UNLESS_STOPPED, 3);
        run(PID);
        for (int i = 1; i <= 25; i++) {
            crashAfter(10, 1);
            assertThat(p.state).as("after crash %d", i).isEqualTo(i == 1 ? ProcessState.STARTING : ProcessState.BACKOFF);
            assertThat(p.deadline - now).isLessThanOrEqualTo(Machine.MAX_BACKOFF.toNanos());
            restartFromBackoff(PID + i);
        }
        crashAfter(10, 1);
        assertThat(p.deadline - now).isEqualTo(Machine.MAX_BACKOFF.toNanos());
        assertThat(p.restarts).isEqualTo(25);
    }

    @Test
    void aStableRunResetsTheCrashStreak() {
        newProc(RestartPolicy.ALWAYS, 2);
        run(PID);
        crashAfter(500, 1);
        restartFromBackoff(PID + 1);
        crashAfter(500, 1);
        assertThat(p.streak).isEqualTo(2);
        restartFromBackoff(PID + 2);

        // A one-off crash after a stable run: restarted at once, whatever the streak before.
        assertThat(crashAfter(Machine.STABLE_AFTER.toMillis(), 1)).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        assertThat(p.streak).isEqualTo(1);
        assertThat(p.deadline).isZero();
        // The quick crash after it is the second in a row: it waits the delay.
        restartFromBackoff(PID + 3);
        assertThat(crashAfter(Machine.STABLE_AFTER.toMillis() - 1, 1)).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.BACKOFF);
        assertThat(p.deadline - now).isEqualTo(DELAY.toNanos());
    }

    @Test
    void aRunJustShortOfStableStillCountsAsACrash() {
        newProc(RestartPolicy.ALWAYS, 1);
        run(PID);
        crashAfter(500, 1);
        restartFromBackoff(PID + 1);
        crashAfter(Machine.STABLE_AFTER.toMillis() - 1, 1);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
    }

    @Test
    void aUserStartAfterFatalIsAFreshChance() {
        newProc(RestartPolicy.ALWAYS, 0);
        run(PID);
        crashAfter(10, 1);
        assertThat(p.state).isEqualTo(ProcessState.FATAL);
        p.spec = spec(RestartPolicy.ALWAYS, 1, Signals.SIGTERM);
        run(PID + 1);
        crashAfter(10, 1);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        assertThat(p.streak).isEqualTo(1);
    }

    @Test
    void startDuringBackoffSpawnsAtOnce() {
        newProc(RestartPolicy.ALWAYS, 3);
        run(PID);
        crashAfter(10, 1);
        restartFromBackoff(PID + 1);
        crashAfter(10, 1);
        assertThat(p.state).isEqualTo(ProcessState.BACKOFF);
        assertThat(on(new Event.Start())).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        assertThat(p.deadline).isZero();
    }

    // ---- stale events ----

    @Test
    void anExitForAStalePidIsIgnored() {
        newProc(RestartPolicy.ALWAYS, 3);
        run(PID);
        assertThat(on(new Event.Exited(PID - 1, 1, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        assertThat(p.pid).isEqualTo(PID);
        assertThat(p.lastExit).isNull();

        on(new Event.Stop(false));
        assertThat(on(new Event.Exited(PID - 1, 1, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
    }

    @Test
    void aTimerWithoutADeadlineDoesNothing() {
        newProc(RestartPolicy.ALWAYS, 3);
        run(PID);
        advanceMillis(60_000);
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
    }

    // ---- restart ----

    @Test
    void restartOfARunningProcessStopsItThenSpawnsAgain() {
        newProc(RestartPolicy.NEVER, 3);
        run(PID);
        assertThat(on(new Event.Restart())).containsExactly(new Effect.Signal(PID, Signals.SIGTERM));
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        assertThat(p.wanted).isTrue();
        assertThat(p.settled()).isFalse();

        advanceMillis(30);
        assertThat(on(new Event.Exited(PID, -15, false))).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        on(new Event.Spawned(PID + 1, 0));
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        assertThat(p.pid).isEqualTo(PID + 1);
        assertThat(p.restarts).as("a user restart is not an automatic one").isZero();
        assertThat(p.settled()).isTrue();
    }

    @Test
    void restartWaitsForTheWholeGroupBeforeSpawning() {
        newProc(RestartPolicy.NEVER, 3);
        run(PID);
        on(new Event.Restart());
        assertThat(on(new Event.Exited(PID, -15, true))).isEqualTo(NONE);
        now = p.deadline;
        assertThat(on(new Event.Timer(false))).containsExactly(SPAWN);
    }

    @Test
    void restartOfAStoppedProcessStartsIt() {
        newProc(RestartPolicy.NEVER, 3);
        assertThat(on(new Event.Restart())).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
    }

    @Test
    void startDuringStoppingStartsAgainOnceDownButAStopCancelsThat() {
        newProc(RestartPolicy.NEVER, 3);
        run(PID);
        on(new Event.Stop(false));
        assertThat(on(new Event.Start())).isEqualTo(NONE);
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(on(new Event.Exited(PID, -15, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);

        run(PID + 1);
        on(new Event.Stop(false));
        on(new Event.Start());
        assertThat(on(new Event.Exited(PID + 1, -15, false))).containsExactly(SPAWN);
    }

    // ---- waiting for dependencies ----

    @Test
    void aStartWithADependencyNotReadyWaitsAndSpawnsOnlyOnceItIs() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        assertThat(on(new Event.Start("db: healthy"))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.WAITING);
        assertThat(p.wanted).isTrue();
        assertThat(p.reason).isEqualTo("waiting for db: healthy");
        assertThat(p.settled()).as("a start command answers while it waits").isTrue();
        // The engine tells it what changed: still waiting, for another reason.
        assertThat(on(new Event.Start("db: healthy (db is fatal)"))).isEqualTo(NONE);
        assertThat(p.reason).isEqualTo("waiting for db: healthy (db is fatal)");
        // No timer or stray exit moves it.
        assertThat(on(new Event.Timer(false))).isEqualTo(NONE);
        assertThat(on(new Event.Exited(PID, 0, false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.WAITING);
        assertThat(on(new Event.Start())).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
    }

    @Test
    void aStopEndsTheWaitAndARestartOfAStoppedAppWaitsToo() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        on(new Event.Start("db: started"));
        assertThat(on(new Event.Stop(false))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.STOPPED);
        assertThat(p.wanted).isFalse();
        assertThat(on(new Event.Restart("db: completed"))).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.WAITING);
        assertThat(p.state.isDown()).isTrue();
    }

    @Test
    void aRunningAppIsNotStoppedNorHeldByADependencyItStartsAgainAfterACrashAtOnce() {
        newProc(RestartPolicy.ON_FAILURE, 3);
        run(PID);
        assertThat(on(new Event.Start("db: healthy"))).as("already up").isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        // A crash after a stable run is restarted in the same step, not held for the dependency.
        assertThat(crashAfter(5000, 1)).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
        on(new Event.Spawned(PID + 1, WALL));
        // A quick second crash waits the delay, then starts again, still without waiting for the dependency.
        assertThat(crashAfter(10, 1)).isEqualTo(NONE);
        assertThat(p.state).isEqualTo(ProcessState.BACKOFF);
        advanceMillis(100);
        assertThat(on(new Event.Timer(false))).containsExactly(SPAWN);
        assertThat(p.state).isEqualTo(ProcessState.STARTING);
    }

    // ---- health: the probe and the heartbeats together ----

    /** Checked by {@code cmd:true} every second, one failure allowed, and beating with a 3 s timeout. */
    void newCheckedBeatingProc(RestartPolicy policy) {
        var health = new HealthSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ZERO);
        p = new Proc(1, new ProcessSpec("app", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "cmd:true",
                policy, 3, DELAY, Signals.SIGTERM, KILL_TIMEOUT, health, Duration.ofSeconds(3), 0, LogSettings.DEFAULT), false);
        on(new Event.Start());
        on(new Event.Spawned(PID, WALL));
        on(new Event.Probed(PID, true, "exit 0"));
        on(new Event.Beat(PID, WALL));
        assertThat(p.health).isEqualTo(Health.HEALTHY);
    }

    @Test
    void aPassingProbeDoesNotMakeHealthyAnAppWhoseHeartbeatsAreLost() {
        newCheckedBeatingProc(RestartPolicy.NEVER);
        assertThat(on(new Event.BeatLost(PID, 3000))).isEqualTo(NONE);
        assertThat(p.health).isEqualTo(Health.UNHEALTHY);
        assertThat(p.healthDetail()).isEqualTo("no heartbeat for 3s");
        assertThat(on(new Event.Probed(PID, true, "exit 0"))).isEqualTo(NONE);
        assertThat(p.health).as("the probe passes, the heartbeats are still lost").isEqualTo(Health.UNHEALTHY);
        assertThat(p.healthDetail()).isEqualTo("no heartbeat for 3s");
        assertThat(p.reason).startsWith("unhealthy: no heartbeat for 3s");
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        // Both fail: the detail names both.
        on(new Event.Probed(PID, false, "exit 1"));
        assertThat(p.healthDetail()).isEqualTo("no heartbeat for 3s; exit 1");
        assertThat(p.reason).startsWith("unhealthy: health check failed 1 times in a row: exit 1");
        // A beat again: the probe still fails, so it stays unhealthy, now for the probe alone.
        on(new Event.Beat(PID, WALL + 5000));
        assertThat(p.health).isEqualTo(Health.UNHEALTHY);
        assertThat(p.healthDetail()).isEqualTo("exit 1");
        on(new Event.Probed(PID, true, "exit 0"));
        assertThat(p.health).isEqualTo(Health.HEALTHY);
        assertThat(p.reason).isEmpty();
    }

    @Test
    void aBeatAfterALossMakesHealthyAgainOnlyWhatTheProbeFindsWell() {
        newCheckedBeatingProc(RestartPolicy.NEVER);
        on(new Event.BeatLost(PID, 3000));
        on(new Event.Beat(PID, WALL + 5000));
        assertThat(p.health).isEqualTo(Health.HEALTHY);
        assertThat(p.healthDetail()).isEqualTo("exit 0");
        assertThat(p.reason).isEmpty();
    }

    @Test
    void aLostHeartbeatBeforeTheFirstPassKeepsTheAppUnhealthyOnceTheProbePasses() {
        var health = new HealthSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ZERO);
        p = new Proc(1, new ProcessSpec("app", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "cmd:true",
                RestartPolicy.NEVER, 3, DELAY, Signals.SIGTERM, KILL_TIMEOUT, health, Duration.ofSeconds(3), 0, LogSettings.DEFAULT), false);
        on(new Event.Start());
        on(new Event.Spawned(PID, WALL));
        on(new Event.BeatLost(PID, 3000));
        on(new Event.Probed(PID, true, "exit 0"));
        assertThat(p.state).isEqualTo(ProcessState.RUNNING);
        assertThat(p.health).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void aLostHeartbeatStillRestartsAnAppWhosePolicyRestarts() {
        newCheckedBeatingProc(RestartPolicy.ALWAYS);
        assertThat(on(new Event.BeatLost(PID, 3000))).containsExactly(new Effect.Signal(PID, Signals.SIGTERM));
        assertThat(p.state).isEqualTo(ProcessState.STOPPING);
        // A probe that passes during the stop changes nothing.
        assertThat(on(new Event.Probed(PID, true, "exit 0"))).isEqualTo(NONE);
        assertThat(p.health).isEqualTo(Health.UNHEALTHY);
        on(new Event.Exited(PID, -15, false));
        assertThat(p.health).as("a new run is judged afresh").isIn(Health.UNKNOWN);
        assertThat(p.beatLost).isEmpty();
    }

    // ---- exit statuses ----

    @Test
    void aNegativeStatusIsDeathBySignalAndNoStatusIsUnknown() {
        assertThat(Machine.outcome(java.util.OptionalInt.of(0), false)).isEqualTo(new ExitOutcome.Exited(0));
        assertThat(Machine.outcome(java.util.OptionalInt.of(137), false)).isEqualTo(new ExitOutcome.Exited(137));
        assertThat(Machine.outcome(java.util.OptionalInt.of(-1), true)).isEqualTo(new ExitOutcome.Signalled(1, true));
        assertThat(Machine.outcome(java.util.OptionalInt.of(-9), false)).isEqualTo(new ExitOutcome.Signalled(9, false));
        assertThat(Machine.outcome(java.util.OptionalInt.empty(), false)).isEqualTo(new ExitOutcome.Unknown());
    }
}
