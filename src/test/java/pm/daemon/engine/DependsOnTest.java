package pm.daemon.engine;

import org.junit.jupiter.api.Test;
import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.Signals;
import pm.daemon.monitor.Observation;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Apps that depend on others, through the real engine with EngineTest's fake processes and clock. */
class DependsOnTest extends EngineFixture {
    void register(ProcessSpec... specs) throws Exception {
        for (var s : specs) assertThat(send("register", Map.of("spec", s.toJson())).get()).containsKey("process");
    }

    ProcessState state(String name) {
        return engine.procs.get(name).state;
    }

    String reason(String name) {
        return engine.procs.get(name).reason;
    }

    long pid(String name) {
        return engine.procs.get(name).pid;
    }

    @Test
    void startAllStartsAnAppOnceItsDependencyIsHealthyAndTheWaitIsInItsStatus() throws Exception {
        register(spec("db", "health-check", "cmd:true"), spec("web", "depends-on", List.of("db:healthy")), spec("worker"));
        var reply = send("start", Map.of("all", true));
        assertThat(reply).as("answered while web waits").isDone();
        assertThat(processes.spawned).containsExactly("db", "worker");
        assertThat(state("web")).isEqualTo(ProcessState.WAITING);
        assertThat(reason("web")).isEqualTo("waiting for db: healthy");
        var shown = EngineTest.statuses(send("status", Map.of("name", "web"))).getFirst();
        assertThat(shown.state()).isEqualTo(ProcessState.WAITING);
        assertThat(shown.reason()).isEqualTo("waiting for db: healthy");

        engine.observe(new Observation.ProbeResult("db", pid("db"), true, "command exited 0 in 1ms"));
        engine.turn();
        assertThat(processes.spawned).containsExactly("db", "worker", "web");
        assertThat(state("web")).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void aDependencyThatGoesFatalLeavesItsDependentsWaitingAndSaysSo() throws Exception {
        register(spec("db", "health-check", "cmd:true", "restart-policy", "never"), spec("web", "depends-on", List.of("db:healthy")));
        send("start", Map.of("all", true));
        processes.exit(pid("db"), 1);
        engine.turn();
        assertThat(state("db")).isEqualTo(ProcessState.EXITED);
        assertThat(reason("web")).isEqualTo("waiting for db: healthy (db exited with status 1)");
        processes.spawnFailures.put("db", "cannot read it");
        send("start", Map.of("name", "db"));
        assertThat(state("db")).isEqualTo(ProcessState.FATAL);
        assertThat(state("web")).isEqualTo(ProcessState.WAITING);
        assertThat(reason("web")).isEqualTo("waiting for db: healthy (db is fatal)");
        assertThat(processes.spawned).doesNotContain("web");
    }

    @Test
    void aChainOfStartedDependenciesStartsInOneStepAndACompletedJobLetsItsDependentGo() throws Exception {
        register(spec("migrate", "restart-policy", "never"), spec("db"), spec("api", "depends-on", List.of("db")),
                spec("web", "depends-on", List.of("api", "migrate:completed")));
        send("start", Map.of("names", List.of("web", "api", "db", "migrate")));
        assertThat(processes.spawned).containsExactly("db", "migrate", "api");
        assertThat(reason("web")).isEqualTo("waiting for migrate: completed");
        processes.exit(pid("migrate"), 0);
        engine.turn();
        assertThat(processes.spawned).containsExactly("db", "migrate", "api", "web");
    }

    @Test
    void stopAllStopsDependentsFirstAndTheirDependenciesOnceTheyAreDown() throws Exception {
        register(spec("db"), spec("api", "depends-on", List.of("db")), spec("web", "depends-on", List.of("api")));
        send("start", Map.of("all", true));
        long db = pid("db"), api = pid("api"), web = pid("web");
        var reply = send("stop", Map.of("all", true));
        assertThat(processes.signals).containsExactly(new EngineTest.Sent(web, Signals.SIGTERM));
        processes.exit(web, -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.signals).containsExactly(new EngineTest.Sent(web, Signals.SIGTERM), new EngineTest.Sent(api, Signals.SIGTERM));
        processes.exit(api, -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.signals).endsWith(new EngineTest.Sent(db, Signals.SIGTERM));
        assertThat(reply).isNotDone();
        processes.exit(db, -Signals.SIGTERM);
        engine.turn();
        assertThat(EngineTest.statuses(reply)).allMatch(s -> s.state() == ProcessState.STOPPED);
    }

    @Test
    void aDependencyWithCopiesIsReadyOnceEveryCopyIsAndSaysWhichCopyHoldsItBack() throws Exception {
        register(spec("db", "health-check", "cmd:true", "instances", "3"), spec("web", "depends-on", List.of("db:healthy")));
        send("start", Map.of("all", true));
        assertThat(processes.spawned).containsExactly("db", "db:1", "db:2");
        engine.observe(new Observation.ProbeResult("db", pid("db"), true, "ok"));
        engine.observe(new Observation.ProbeResult("db:2", pid("db:2"), true, "ok"));
        engine.turn();
        assertThat(state("web")).as("copy 1 is not healthy yet").isEqualTo(ProcessState.WAITING);
        processes.spawnFailures.put("db:1", "cannot read it");
        processes.exit(pid("db:1"), 1);
        engine.turn();
        assertThat(state("db:1")).isEqualTo(ProcessState.FATAL);
        assertThat(reason("web")).isEqualTo("waiting for db: healthy (db:1 is fatal)");
        processes.spawnFailures.clear();
        send("start", Map.of("name", "db:1"));
        engine.observe(new Observation.ProbeResult("db:1", pid("db:1"), true, "ok"));
        engine.turn();
        assertThat(state("web")).isEqualTo(ProcessState.RUNNING);
        assertThat(processes.spawned).endsWith("web");
    }

    @Test
    void aScaleDownDoesNotHoldADependentBackForTheCopiesOnTheirWayOut() throws Exception {
        register(spec("db", "instances", "2"), spec("web", "depends-on", List.of("db")));
        send("start", Map.of("name", "db"));
        long second = pid("db:1");
        send("scale", Map.of("name", "db", "count", 1));
        assertThat(state("db:1")).isEqualTo(ProcessState.STOPPING);
        send("start", Map.of("name", "web"));
        assertThat(state("web")).isEqualTo(ProcessState.RUNNING);
        processes.exit(second, -Signals.SIGTERM);
        engine.turn();
        assertThat(engine.procs).containsOnlyKeys("db", "web");
    }

    @Test
    void copiesAddedByScaleUpdateOrApplyWaitForTheDependencyLikeTheFirstCopy() throws Exception {
        register(spec("bad", "restart-policy", "never"), spec("after", "depends-on", List.of("bad")));
        processes.spawnFailures.put("bad", "no such interpreter");
        send("start", Map.of("all", true));
        assertThat(state("bad")).isEqualTo(ProcessState.FATAL);
        assertThat(reason("after")).isEqualTo("waiting for bad: started (bad is fatal)");

        assertThat(send("scale", Map.of("name", "after", "count", 3))).isDone();
        var update = spec("after", "depends-on", List.of("bad"), "instances", "5");
        assertThat(send("update", Map.of("name", "after", "spec", update.toJson()))).isDone();
        var applied = spec("after", "depends-on", List.of("bad"), "instances", "6");
        assertThat(send("apply", Map.of("apps", List.of(Map.of("spec", applied.toJson(), "autostart", true)), "prune", false, "dry_run", false))).isDone();
        for (String copy : List.of("after:1", "after:2", "after:3", "after:4", "after:5")) {
            assertThat(state(copy)).as(copy).isEqualTo(ProcessState.WAITING);
            assertThat(reason(copy)).as(copy).isEqualTo("waiting for bad: started (bad is fatal)");
        }
        assertThat(processes.spawned).doesNotContain("after", "after:1", "after:2", "after:3", "after:4", "after:5");
    }

    @Test
    void stopAllStopsEveryCopyOfTheDependentsBeforeAnyCopyOfTheirDependency() throws Exception {
        register(spec("db", "instances", "2"), spec("web", "depends-on", List.of("db"), "instances", "2"));
        send("start", Map.of("all", true));
        long db0 = pid("db"), db1 = pid("db:1"), web0 = pid("web"), web1 = pid("web:1");
        var reply = send("stop", Map.of("all", true));
        assertThat(processes.signals).containsExactlyInAnyOrder(new EngineTest.Sent(web0, Signals.SIGTERM), new EngineTest.Sent(web1, Signals.SIGTERM));
        processes.exit(web0, -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.signals).as("db waits for both copies of web").hasSize(2);
        processes.exit(web1, -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.signals).hasSize(4).contains(new EngineTest.Sent(db0, Signals.SIGTERM), new EngineTest.Sent(db1, Signals.SIGTERM));
        processes.exit(db0, -Signals.SIGTERM);
        processes.exit(db1, -Signals.SIGTERM);
        engine.turn();
        assertThat(EngineTest.statuses(reply)).hasSize(4).allMatch(s -> s.state() == ProcessState.STOPPED);
    }

    @Test
    void stopInOrderTakesCopyNamesAndStopsOnlyTheNamedCopies() throws Exception {
        register(spec("db", "instances", "2"), spec("web", "depends-on", List.of("db"), "instances", "2"));
        send("start", Map.of("all", true));
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        engine.order.stopInOrder(List.of("db:1", "web:1"), false, () -> done.set(true));
        assertThat(processes.signals).containsExactly(new EngineTest.Sent(pid("web:1"), Signals.SIGTERM));
        processes.exit(pid("web:1"), -Signals.SIGTERM);
        engine.turn();
        assertThat(processes.signals).hasSize(2).endsWith(new EngineTest.Sent(pid("db:1"), Signals.SIGTERM));
        processes.exit(pid("db:1"), -Signals.SIGTERM);
        engine.turn();
        assertThat(done).isTrue();
        assertThat(state("db")).isEqualTo(ProcessState.RUNNING);
        assertThat(state("web")).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void aDependencyOnAnAppNotRegisteredOrACycleIsRefusedAndAnAppOthersNeedStaysRegistered() throws Exception {
        register(spec("db"));
        var unknown = EngineTest.failure(send("register", Map.of("spec", spec("web", "depends-on", List.of("dbb")).toJson())));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID);
        assertThat(unknown.getMessage()).isEqualTo("web depends on dbb, which is not registered; did you mean db?");
        register(spec("web", "depends-on", List.of("db")));
        var cycle = EngineTest.failure(send("update", Map.of("name", "db", "spec", spec("db", "depends-on", List.of("web")).toJson())));
        assertThat(cycle.getMessage()).isEqualTo("a dependency cycle: db -> web -> db; no app of it could ever start");
        var needed = EngineTest.failure(send("unregister", Map.of("name", "db")));
        assertThat(needed.getMessage()).startsWith("cannot unregister: web depends on db; unregister those too");
        assertThat(send("unregister", Map.of("names", List.of("db", "web"))).get()).containsKey("processes");
        assertThat(engine.procs).isEmpty();
    }

    @Test
    void aRestoredDaemonStartsDependentsOnceTheirDependenciesAreUp() throws Exception {
        register(spec("db", "health-check", "cmd:true"), spec("web", "depends-on", List.of("db:healthy")));
        // Wanted running, as after a start; a new daemon on the same registry starts them in order.
        var registry = new Registry(dir.resolve("registry.json"));
        var entries = new java.util.ArrayList<Registry.Entry>();
        for (var e : registry.load().entries()) entries.add(e.withWanted(true));
        registry.save(entries);
        var fresh = new EngineTest.FakeProcesses();
        engine = new Engine(new Home(dir), registry, new RunFile(dir.resolve("runs2.json")), fresh, clock);
        engine.restore();
        engine.begin();
        assertThat(fresh.spawned).containsExactly("db");
        assertThat(state("web")).isEqualTo(ProcessState.WAITING);
        engine.observe(new Observation.ProbeResult("db", pid("db"), true, "ok"));
        engine.turn();
        assertThat(fresh.spawned).containsExactly("db", "web");
    }
}
