package pm.daemon.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.Health;
import pm.core.Home;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.ProcessStatus;
import pm.core.Signals;
import pm.core.SpecBuilder;
import pm.daemon.controller.Launcher;
import pm.daemon.controller.Processes;
import pm.daemon.procfs.RunMark;
import pm.daemon.events.EventRing;
import pm.daemon.events.ProcessEvent;
import pm.daemon.monitor.Observation;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real engine (commands, replies, timers, the state machine's health, memory and heartbeat branches)
 * driven turn by turn with a fake process layer and a fake clock: no process is spawned, no time passes.
 */
class EngineTest {
    @TempDir
    Path dir;
    FakeClock clock = new FakeClock();
    FakeProcesses processes = new FakeProcesses();
    Engine engine;
    Registry registry;
    Path script;

    @BeforeEach
    void setUp() throws IOException {
        script = Files.writeString(dir.resolve("app.sh"), "sleep 1000\n");
        registry = new Registry(dir.resolve("registry.json"));
        engine = new Engine(new Home(dir), registry, new RunFile(dir.resolve("runs.json")), processes, clock);
        engine.restore();
        engine.begin();
    }

    // ---- the fakes ----

    static final class FakeClock extends Clock {
        long nanos = 5_000_000_000_000L;
        long millis = 1_795_676_750_000L;

        @Override
        public long nanos() {
            return nanos;
        }

        @Override
        public long millis() {
            return millis;
        }

        void advance(long ms) {
            nanos += Duration.ofMillis(ms).toNanos();
            millis += ms;
        }
    }

    record FakeRun(String name, long pid, long startTime) implements Processes.Run {}

    record Sent(long pid, int signal) {}

    static final class FakeProcesses implements Processes {
        long nextPid = 1000;
        final List<String> spawned = new ArrayList<>();
        final List<Sent> signals = new ArrayList<>();
        final List<Exit> exits = new ArrayList<>();
        final Set<Long> aliveGroups = new HashSet<>();
        final List<Integer> forgotten = new ArrayList<>();
        final Map<String, String> spawnFailures = new LinkedHashMap<>();
        final Map<Long, Processes.Run> adoptable = new LinkedHashMap<>();
        final Map<Long, Processes.Run> runs = new LinkedHashMap<>();
        /** Runs a scan of /proc finds by their mark, by copy (RunMark.key). */
        final Map<Long, RunMark.Found> marked = new LinkedHashMap<>();
        int scans;
        long lastTimeout = -1;
        /** Runs at each spawn, before it: what a daemon killed at that moment would leave. */
        java.util.function.Consumer<String> beforeSpawn = name -> { };

        @Override
        public Run spawn(int id, ProcessSpec spec, Launcher.Heartbeat heartbeat, boolean again) throws Launcher.SpawnFailure {
            beforeSpawn.accept(spec.name());
            if (spawnFailures.containsKey(spec.name())) throw new Launcher.SpawnFailure(spawnFailures.get(spec.name()));
            spawned.add(spec.name());
            var run = new FakeRun(spec.name(), nextPid++, 77);
            runs.put(run.pid(), run);
            return run;
        }

        @Override
        public Map<Long, RunMark.Found> unrecorded(Set<Long> known) {
            var out = new LinkedHashMap<Long, RunMark.Found>();
            marked.forEach((key, f) -> {
                if (!known.contains(f.serial())) out.put(key, f);
            });
            scans++;
            return out;
        }

        @Override
        public Optional<Run> adopt(String name, long pid, long startTime, String cgroup, long serial) {
            var run = adoptable.get(pid);
            if (run != null) runs.put(pid, run);
            return Optional.ofNullable(run);
        }

        @Override
        public void signal(Run run, int signal) {
            signals.add(new Sent(run.pid(), signal));
        }

        @Override
        public boolean groupAlive(Run run) {
            return run != null && aliveGroups.contains(run.pid());
        }

        @Override
        public List<Exit> awaitExits(long timeoutNanos) {
            lastTimeout = timeoutNanos;
            var out = List.copyOf(exits);
            exits.clear();
            return out;
        }

        @Override
        public void wake() {
        }

        @Override
        public void forget(int id, int copy) {
            forgotten.add(id);
        }

        /** The run with this pid ends with this status (a code, or minus a signal). */
        void exit(long pid, int status) {
            exits.add(new Exit(runs.get(pid), OptionalInt.of(status)));
        }
    }

    // ---- helpers ----

    CompletableFuture<Map<String, Object>> send(String cmd, Map<String, Object> args) {
        var reply = engine.submit(cmd, args);
        engine.turn();
        return reply;
    }

    /** A shell app's spec with these flags and values (a list for --env). */
    ProcessSpec spec(String name, Object... flags) {
        var raw = new LinkedHashMap<String, Object>();
        raw.put("script", script.toString());
        raw.put("name", name);
        raw.put("type", "shell");
        for (int i = 0; i < flags.length; i += 2) raw.put((String) flags[i], flags[i + 1]);
        return SpecBuilder.build(raw, SpecBuilder.Naming.flags(), new SpecBuilder.Context(dir, Map.of())).orThrow();
    }

    void register(ProcessSpec spec) throws Exception {
        assertThat(send("register", Map.of("spec", spec.toJson())).get()).containsKey("process");
    }

    /** Registers and starts it; returns its pid. */
    long started(String name, String... flags) throws Exception {
        register(spec(name, flags));
        var reply = send("start", Map.of("name", name));
        assertThat(reply).isDone();
        var status = statuses(reply).getFirst();
        assertThat(status.pid()).isPositive();
        return status.pid();
    }

    static List<ProcessStatus> statuses(CompletableFuture<Map<String, Object>> reply) throws Exception {
        assertThat(reply).isDone(); // never wait: only a turn of the engine answers
        var out = new ArrayList<ProcessStatus>();
        for (Object o : (List<?>) reply.get().get("processes")) {
            @SuppressWarnings("unchecked")
            var m = (Map<String, Object>) o;
            out.add(ProcessStatus.fromJson(m));
        }
        return out;
    }

    ProcessStatus status(String name) throws Exception {
        return statuses(send("status", Map.of("name", name))).getFirst();
    }

    static PmException failure(CompletableFuture<?> reply) {
        assertThat(reply).isCompletedExceptionally();
        try {
            reply.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException | InterruptedException e) {
            return (PmException) e.getCause();
        }
    }

    // ---- commands ----

    @Test
    void aStartIsAnsweredOnceSpawnedAndItsWishIsStoredFirst() throws Exception {
        register(spec("web"));
        var reply = send("start", Map.of("name", "web"));
        assertThat(processes.spawned).containsExactly("web");
        var s = statuses(reply).getFirst();
        assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(s.pid()).isEqualTo(1000);
        assertThat(s.startedAtMillis()).isEqualTo(clock.millis);
        assertThat(registry.load().entries().getFirst().wanted()).isTrue();
        assertThat(new RunFile(dir.resolve("runs.json")).load().runs()).containsKey("web");
        // Starting what runs does nothing more.
        assertThat(statuses(send("start", Map.of("name", "web"))).getFirst().pid()).isEqualTo(1000);
        assertThat(processes.spawned).hasSize(1);
    }

    @Test
    void aStopSignalsTheGroupAndIsAnsweredOnceAllOfItIsGone() throws Exception {
        long pid = started("web");
        processes.aliveGroups.add(pid);
        var reply = send("stop", Map.of("name", "web"));
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        assertThat(reply).isNotDone();

        processes.exit(pid, -Signals.SIGTERM);
        engine.turn();
        assertThat(reply).as("the leader is gone, its group is not").isNotDone();
        processes.aliveGroups.remove(pid);
        clock.advance(Machine.GROUP_POLL.toMillis());
        engine.turn();
        var s = statuses(reply).getFirst();
        assertThat(s.state()).isEqualTo(ProcessState.STOPPED);
        assertThat(s.wanted()).isFalse();
        assertThat(processes.forgotten).containsExactly(0);
        assertThat(registry.load().entries().getFirst().wanted()).isFalse();
    }

    @Test
    void aStopOvertakenByAStartIsAnsweredOnceTheAppIsBackUp() throws Exception {
        long pid = started("web");
        var stop = send("stop", Map.of("name", "web"));
        var start = send("start", Map.of("name", "web"));
        processes.exit(pid, -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.spawned).hasSize(2);
        assertThat(statuses(start).getFirst().state()).isEqualTo(ProcessState.RUNNING);
        assertThat(stop).as("the stop's wait ends when the start overtook it, not never").isDone();
    }

    @Test
    void aStopThatOutlastsTheKillTimeoutEndsInSigkill() throws Exception {
        long pid = started("web", "kill-timeout", "2s");
        processes.aliveGroups.add(pid);
        var reply = send("stop", Map.of("name", "web"));
        clock.advance(1999);
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        clock.advance(1);
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM), new Sent(pid, Signals.SIGKILL));
        processes.aliveGroups.remove(pid);
        processes.exit(pid, -Signals.SIGKILL);
        engine.turn();
        assertThat(statuses(reply).getFirst().reason()).isEqualTo("killed by SIGKILL");
    }

    @Test
    void aRestartStopsThenStartsAndIsAnsweredWithTheNewRun() throws Exception {
        long pid = started("web");
        var reply = send("restart", Map.of("name", "web", "env", Map.of("COLOUR", "blue")));
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        assertThat(reply).isNotDone();
        processes.exit(pid, -Signals.SIGTERM);
        engine.turn();
        var s = statuses(reply).getFirst();
        assertThat(s.pid()).isEqualTo(pid + 1);
        assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(registry.load().entries().getFirst().spec().env()).containsEntry("COLOUR", "blue");
    }

    @Test
    void aStartThatCannotSpawnFailsWithItsOwnCodeAndTheReason() throws Exception {
        register(spec("web"));
        processes.spawnFailures.put("web", "no-such-interpreter is not on PATH; install it or pass --interpreter");
        var e = failure(send("start", Map.of("name", "web")));
        assertThat(e.code()).isEqualTo(ErrorCode.SPAWN_FAILED);
        assertThat(e.getMessage()).isEqualTo("web: failed to start: no-such-interpreter is not on PATH; install it or pass --interpreter");
        var s = status("web");
        assertThat(s.state()).isEqualTo(ProcessState.FATAL);
        assertThat(s.lastExit()).contains(new pm.core.ExitOutcome.FailedToStart("no-such-interpreter is not on PATH; install it or pass --interpreter"));
        // Still FATAL from that failure, a stop succeeds; once it can be spawned, a start does.
        assertThat(statuses(send("stop", Map.of("name", "web"))).getFirst().state()).isEqualTo(ProcessState.STOPPED);
        processes.spawnFailures.clear();
        assertThat(statuses(send("start", Map.of("name", "web"))).getFirst().state()).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void aStartOfAllNamesEachAppThatCouldNotBeSpawnedAndStartsTheOthers() throws Exception {
        register(spec("web"));
        register(spec("api"));
        register(spec("db"));
        processes.spawnFailures.put("web", "cannot read /srv/web");
        processes.spawnFailures.put("db", "working directory /srv does not exist");
        var e = failure(send("start", Map.of("all", true)));
        assertThat(e.code()).isEqualTo(ErrorCode.SPAWN_FAILED);
        assertThat(e.getMessage()).isEqualTo("web: failed to start: cannot read /srv/web\ndb: failed to start: working directory /srv does not exist");
        assertThat(processes.spawned).containsExactly("api");
        // A restart whose new run cannot be spawned fails the same way.
        processes.spawnFailures.put("api", "cannot read /srv/api");
        var restart = send("restart", Map.of("name", "api"));
        processes.exit(1000, -Signals.SIGTERM);
        engine.turn();
        assertThat(failure(restart).code()).isEqualTo(ErrorCode.SPAWN_FAILED);
        assertThat(failure(restart).getMessage()).isEqualTo("api: failed to start: cannot read /srv/api");
    }

    @Test
    void anUnknownNameIsNotFoundWithTheNearestOne() throws Exception {
        register(spec("web"));
        var e = failure(send("start", Map.of("name", "wbe")));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("no process named 'wbe'; did you mean 'web'?");
    }

    // ---- exits and timers ----

    @Test
    void aOneOffCrashAfterAStableRunIsRestartedAtOnceAndTheNextQuickCrashWaitsTheDelay() throws Exception {
        long pid = started("web", "restart-delay", "5s");
        clock.advance(Machine.STABLE_AFTER.toMillis());
        processes.exit(pid, 1);
        engine.turn();
        // In the same turn as the exit, with no time passing: no wait at all.
        assertThat(processes.spawned).hasSize(2);
        var s = status("web");
        assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(s.pid()).isEqualTo(pid + 1);
        assertThat(s.restarts()).isEqualTo(1);
        assertThat(s.lastExitAtMillis()).isEqualTo(clock.millis);

        // Up less than the stable threshold: the second crash in a row waits --restart-delay.
        clock.advance(Machine.STABLE_AFTER.toMillis() - 1);
        processes.exit(pid + 1, 1);
        engine.turn();
        s = status("web");
        assertThat(s.state()).isEqualTo(ProcessState.BACKOFF);
        assertThat(s.reason()).isEqualTo("exited with status 1; restart 2 in 5000ms");
        engine.turn();
        assertThat(processes.lastTimeout).as("the engine sleeps until the restart is due").isEqualTo(Duration.ofSeconds(5).toNanos());
        clock.advance(4999);
        engine.turn();
        assertThat(processes.spawned).hasSize(2);
        clock.advance(1);
        engine.turn();
        assertThat(processes.spawned).hasSize(3);
        s = status("web");
        assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(s.pid()).isEqualTo(pid + 2);
        assertThat(s.restarts()).isEqualTo(2);
    }

    @Test
    void aCrashLoopIsSlowedDoublingFromTheSecondCrash() throws Exception {
        long pid = started("web", "restart-delay", "100ms", "max-restarts", "5");
        long[] waits = {0, 100, 200, 400};
        for (int i = 0; i < waits.length; i++) {
            clock.advance(10);
            processes.exit(pid + i, 1);
            engine.turn();
            if (waits[i] > 0) {
                assertThat(status("web").state()).as("after crash %d", i + 1).isEqualTo(ProcessState.BACKOFF);
                clock.advance(waits[i] - 1);
                engine.turn();
                assertThat(processes.spawned).as("1 ms before the backoff of crash %d ends", i + 1).hasSize(i + 1);
                clock.advance(1);
                engine.turn();
            }
            assertThat(processes.spawned).as("after crash %d", i + 1).hasSize(i + 2);
        }
    }

    @Test
    void aCrashLoopEndsInFatal() throws Exception {
        long pid = started("web", "restart-delay", "100ms", "max-restarts", "2");
        for (int i = 0; i < 2; i++) {
            processes.exit(pid, 1);
            engine.turn();
            clock.advance(Machine.backoff(Duration.ofMillis(100), i + 1).toMillis());
            engine.turn();
            pid++;
            assertThat(status("web").pid()).isEqualTo(pid);
        }
        processes.exit(pid, 1);
        engine.turn();
        var s = status("web");
        assertThat(s.state()).isEqualTo(ProcessState.FATAL);
        assertThat(s.reason()).startsWith("crash loop: exited with status 1 after 2 restarts in a row");
        assertThat(processes.forgotten).containsExactly(0);
    }

    // ---- what the monitor sees ----

    @Test
    void anUnhealthyProbeResultLeadsToARestart() throws Exception {
        long pid = started("web", "health-check", "cmd:true", "health-retries", "2", "health-start-period", "0",
                "restart-delay", "100ms");
        assertThat(status("web").state()).as("until its first check passes").isEqualTo(ProcessState.STARTING);
        engine.observe(new Observation.ProbeResult("web", pid, true, "command exited 0 in 1ms"));
        engine.turn();
        assertThat(status("web").health()).isEqualTo(Health.HEALTHY);
        assertThat(status("web").state()).isEqualTo(ProcessState.RUNNING);

        engine.observe(new Observation.ProbeResult("web", pid, false, "command exited 1 in 1ms"));
        engine.turn();
        assertThat(processes.signals).isEmpty();
        engine.observe(new Observation.ProbeResult("web", pid, false, "command exited 1 in 1ms"));
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        var s = status("web");
        assertThat(s.health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.reason()).isEqualTo("unhealthy: health check failed 2 times in a row: command exited 1 in 1ms; stopping it");

        // Its first restart in a row: at once, as after a crash.
        processes.exit(pid, -Signals.SIGTERM);
        engine.turn();
        assertThat(status("web").pid()).isEqualTo(pid + 1);
        assertThat(status("web").restarts()).isEqualTo(1);
    }

    @Test
    void aSampleAboveTheMemoryLimitRestartsIt() throws Exception {
        long pid = started("web", "max-memory", "100M");
        engine.observe(new Observation.Samples(List.of(new Observation.Usage("web", pid, 1.5, 90L << 20, 2, 0.5))));
        engine.turn();
        var s = status("web");
        assertThat(s.memoryBytes()).isEqualTo(90L << 20);
        assertThat(s.processes()).isEqualTo(2);
        assertThat(processes.signals).isEmpty();
        engine.observe(new Observation.Samples(List.of(new Observation.Usage("web", pid, 1.5, 200L << 20, 2, 0.5))));
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        assertThat(status("web").reason()).isEqualTo("memory 200.0M above --max-memory 100.0M; stopping it");
    }

    @Test
    void aLostHeartbeatMakesItUnhealthyAndRestartsIt() throws Exception {
        long pid = started("web");
        engine.observe(new Observation.HeartbeatSeen("web", pid, clock.millis));
        engine.turn();
        assertThat(status("web").health()).isEqualTo(Health.HEALTHY);
        assertThat(status("web").heartbeatAtMillis()).isEqualTo(clock.millis);
        engine.observe(new Observation.HeartbeatSilent("web", pid, 30_000));
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        assertThat(status("web").health()).isEqualTo(Health.UNHEALTHY);
        assertThat(status("web").reason()).isEqualTo("unhealthy: no heartbeat for 30s; stopping it");
        // A beat of an earlier run changes nothing.
        engine.observe(new Observation.HeartbeatSilent("web", pid - 1, 30_000));
        engine.turn();
        assertThat(processes.signals).hasSize(1);
    }

    // ---- unregister and shutdown ----

    @Test
    void anUnregisterDuringARestartWinsAndNoStartComesBack() throws Exception {
        long pid = started("web");
        var restart = engine.submit("restart", Map.of("name", "web"));
        var unregister = engine.submit("unregister", Map.of("name", "web"));
        engine.turn();
        assertThat(processes.signals).containsExactly(new Sent(pid, Signals.SIGTERM));
        var e = failure(send("start", Map.of("name", "web")));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("'web' is being unregistered");

        processes.exit(pid, -Signals.SIGTERM);
        engine.turn();
        assertThat(unregister).isDone();
        assertThat(restart).isDone();
        assertThat(processes.spawned).as("no new run").hasSize(1);
        assertThat(registry.load().entries()).isEmpty();
        assertThat(statuses(send("status", Map.of()))).isEmpty();
        assertThat(processes.forgotten).contains(0);
    }

    @Test
    void aShutdownThatStopsTheAppsLeavesThemStoppedForTheNextDaemon() throws Exception {
        long web = started("web");
        long api = started("api");
        register(spec("idle"));
        var reply = send("shutdown", Map.of("stop_apps", true));
        assertThat(processes.signals).containsExactlyInAnyOrder(new Sent(web, Signals.SIGTERM), new Sent(api, Signals.SIGTERM));
        assertThat(failure(send("start", Map.of("name", "idle"))).code()).isEqualTo(ErrorCode.DAEMON_UNREACHABLE);
        processes.exit(web, -Signals.SIGTERM);
        engine.turn();
        assertThat(reply).isNotDone();
        assertThat(engine.finished()).isFalse();
        processes.exit(api, -Signals.SIGTERM);
        engine.turn();
        assertThat(reply).isDone();
        assertThat(reply.get()).containsEntry("running", 0).containsEntry("stopped", 2);
        assertThat(engine.finished()).isTrue();
        var wanted = new LinkedHashMap<String, Boolean>();
        for (var entry : registry.load().entries()) wanted.put(entry.spec().name(), entry.wanted());
        assertThat(wanted).containsExactly(Map.entry("web", false), Map.entry("api", false), Map.entry("idle", false));
    }

    // ---- restore ----

    @Test
    void aNewEngineAdoptsWhatRunsAndAppliesThePolicyToWhatEndedMeanwhile() throws Exception {
        long web = started("web");
        long job = started("job", "restart-policy", "never");
        processes.adoptable.put(web, new FakeRun("web", web, 77));
        var next = new FakeProcesses();
        next.nextPid = 2000;
        next.adoptable.put(web, new FakeRun("web", web, 77));
        clock.advance(5000);
        var second = new Engine(new Home(dir), registry, new RunFile(dir.resolve("runs.json")), next, clock);
        second.restore();
        second.begin();
        var reply = second.submit("status", Map.of());
        second.turn();
        var byName = new LinkedHashMap<String, ProcessStatus>();
        for (var s : statuses(reply)) byName.put(s.name(), s);
        assertThat(byName.get("web").pid()).isEqualTo(web);
        assertThat(byName.get("web").uptimeMillis()).isEqualTo(5000);
        assertThat(byName.get("web").reason()).isEqualTo("adopted from an earlier daemon");
        assertThat(byName.get("job").state()).isEqualTo(ProcessState.EXITED);
        assertThat(byName.get("job").reason())
                .isEqualTo("ended while pm was not its parent (exit status unknown) while no daemon ran; policy never does not restart it");
        assertThat(next.spawned).isEmpty();
        assertThat(job).isPositive();
    }

    // ---- what the event stream hears ----

    /** The kinds and names of the events in the ring, in order, each with what tells it apart. */
    static List<String> told(EventRing ring) {
        var out = new ArrayList<String>();
        for (var n : ring.after(0, 1000).events()) {
            var f = n.event().fields();
            out.add(n.seq() + " " + n.event().kind() + " " + n.event().name() + switch (n.event()) {
                case ProcessEvent.StateChanged c -> " " + c.from().wireName() + ">" + c.to().wireName();
                case ProcessEvent.HealthChanged h -> " " + h.from().wireName() + ">" + h.to().wireName();
                case ProcessEvent.HeartbeatChanged b -> " " + f.get("state");
                case ProcessEvent.Restarted r -> " " + r.restarts();
                default -> "";
            });
        }
        return out;
    }

    @Test
    void aCrashAndItsRestartAreToldToTheRingInOrder() throws Exception {
        var ring = new EventRing();
        engine.reportTo(ring);
        long pid = started("web", "restart-delay", "100ms");
        // The first crash in a row is restarted in the same step; the second, as quick, after the delay.
        processes.exit(pid, 1);
        engine.turn();
        processes.exit(pid + 1, 2);
        engine.turn();
        clock.advance(100);
        engine.turn();
        assertThat(told(ring)).containsExactly(
                "1 registered web", "2 state web stopped>starting", "3 state web starting>running",
                "4 restart web 1", "5 state web running>starting", "6 state web starting>running",
                "7 state web running>backoff", "8 restart web 2", "9 state web backoff>starting", "10 state web starting>running");
        assertThat(reason(ring, 4)).isEqualTo("exited with status 1; restarted at once");
        assertThat(reason(ring, 7)).isEqualTo("exited with status 2; restart 2 in 100ms");
        assertThat(reason(ring, 8)).as("the restart tells why, as the backoff did").isEqualTo("exited with status 2; restart 2 in 100ms");
    }

    static String reason(EventRing ring, long seq) {
        return String.valueOf(ring.after(seq - 1, 1).events().getFirst().event().fields().get("reason"));
    }

    @Test
    void heartbeatsAreToldWhenTheyBeginAndWhenTheyFallSilentNotOnEveryBeat() throws Exception {
        long pid = started("web");
        var ring = new EventRing();
        engine.reportTo(ring);
        for (int i = 0; i < 3; i++) {
            clock.advance(1000);
            engine.observe(new Observation.HeartbeatSeen("web", pid, clock.millis));
            engine.turn();
        }
        engine.observe(new Observation.HeartbeatSilent("web", pid, 30_000));
        engine.turn();
        assertThat(told(ring)).containsExactly("1 heartbeat web beating", "2 health web none>healthy", "3 heartbeat web lost",
                "4 state web running>stopping", "5 health web healthy>unhealthy");
    }

    @Test
    void theRingNamesCopiesAsStatusDoesThroughAScale() throws Exception {
        var ring = new EventRing();
        engine.reportTo(ring);
        long pid = started("web", "instances", "2");
        long second = status("web:1").pid();
        processes.exit(pid, 1);
        engine.turn();
        send("scale", Map.of("name", "web", "count", 1));
        processes.exit(second, -15);
        engine.turn();
        assertThat(told(ring)).containsExactly("1 registered web:0", "2 registered web:1",
                "3 state web:0 stopped>starting", "4 state web:0 starting>running", "5 state web:1 stopped>starting", "6 state web:1 starting>running",
                "7 restart web:0 1", "8 state web:0 running>starting", "9 state web:0 starting>running",
                // The count is one at once: copy 0 is shown as web from then on.
                // web:1's spec (the count) changed too, as it stops.
                "10 state web:1 running>stopping", "11 registered web", "12 updated web:1", "13 unregistered web:0",
                "14 state web:1 stopping>stopped", "15 unregistered web:1");
    }

    @Test
    void anUnregisterIsToldToTheRing() throws Exception {
        register(spec("web"));
        var ring = new EventRing();
        engine.reportTo(ring);
        send("unregister", Map.of("name", "web"));
        assertThat(told(ring)).containsExactly("1 unregistered web");
    }
}
