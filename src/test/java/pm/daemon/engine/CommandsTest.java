package pm.daemon.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.daemon.engine.EngineTest.failure;
import static pm.daemon.engine.EngineTest.statuses;

/** The daemon's side of names and ids, several apps at once, registering again, and update; the fakes of {@link EngineTest}. */
class CommandsTest {
    @TempDir
    Path dir;
    /** The engine with a fake process layer and clock, and its helpers. */
    final EngineTest fixture = new EngineTest();
    EngineTest.FakeProcesses processes;
    Engine engine;
    Registry registry;
    Path script;

    @BeforeEach
    void setUp() throws IOException {
        fixture.dir = dir;
        fixture.setUp();
        processes = fixture.processes;
        engine = fixture.engine;
        registry = fixture.registry;
        script = fixture.script;
    }

    CompletableFuture<Map<String, Object>> send(String cmd, Map<String, Object> args) {
        return fixture.send(cmd, args);
    }

    ProcessSpec spec(String name, Object... flags) {
        return fixture.spec(name, flags);
    }

    void register(String name, Object... flags) throws Exception {
        fixture.register(spec(name, flags));
    }

    List<String> names(CompletableFuture<Map<String, Object>> reply) throws Exception {
        return statuses(reply).stream().map(s -> s.name()).toList();
    }

    @Test
    void appsAreNamedByNameOrIdSeveralAtOnceEachOnce() throws Exception {
        register("web");
        register("worker");
        register("cron");
        assertThat(names(send("stop", Map.of("all", true)))).containsExactly("web", "worker", "cron");
        assertThat(names(send("start", Map.of("names", List.of("2", "web", "0"))))).containsExactly("cron", "web");
        assertThat(processes.spawned).containsExactly("cron", "web");
        assertThat(names(send("status", Map.of("names", List.of("1"))))).containsExactly("worker");
    }

    @Test
    void statusWithRecentCarriesEachAppsLastSamplesOldestFirstAndWithoutItNone() throws Exception {
        register("web");
        register("worker");
        send("start", Map.of("name", "web"));
        var web = engine.procs.get("web");
        for (int i = 1; i <= 32; i++) web.recordSample(i + 0.04, i * 1000L);
        var reply = send("status", Map.of("recent", true)).get();
        var procs = (List<?>) reply.get("processes");
        var first = (Map<?, ?>) procs.get(0);
        @SuppressWarnings("unchecked")
        var cpu = (List<Object>) first.get("recent_cpu_percent");
        assertThat(cpu).hasSize(30).startsWith(3.0, 4.0).endsWith(32.0);
        @SuppressWarnings("unchecked")
        var rss = (List<Object>) first.get("recent_memory_bytes");
        assertThat(rss).hasSize(30).startsWith(3000L).endsWith(32000L);
        assertThat(((Map<?, ?>) procs.get(1)).get("recent_cpu_percent")).isEqualTo(List.of());
        var plain = (Map<?, ?>) ((List<?>) send("status", Map.of()).get().get("processes")).getFirst();
        assertThat(plain.containsKey("recent_cpu_percent")).isFalse();
    }

    @Test
    void everyUnknownNameIsReportedInOneErrorAndNothingIsDone() throws Exception {
        register("web");
        register("worker");
        var e = failure(send("start", Map.of("names", List.of("web", "wokrer", "7", "zzz"), "as", "./pm")));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("no processes named 'wokrer' (did you mean 'worker'?), '7', 'zzz'; ./pm list shows the registered ones");
        assertThat(processes.spawned).isEmpty();
        assertThat(failure(send("stop", Map.of("name", "wbe"))).getMessage()).isEqualTo("no process named 'wbe'; did you mean 'web'?");
        assertThat(failure(send("stop", Map.of("names", List.of("qqqqqq")))).getMessage())
                .isEqualTo("no process named 'qqqqqq'; pm list shows the registered ones");
    }

    @Test
    void aNameMatchesBeforeAnId() throws Exception {
        register("web");
        // Names of digits alone are refused now; a registry may still hold one from before.
        var legacy = new Registry.Entry(5, new ProcessSpec("0", spec("x").type(), script.toString(), List.of(), "", dir.toString(),
                Map.of(), 0, "", spec("x").restartPolicy(), 10, Duration.ofMillis(100), 15, Duration.ofSeconds(10)), false);
        var entries = new java.util.ArrayList<>(registry.load().entries());
        entries.add(legacy);
        registry.save(entries);
        engine = new Engine(new Home(dir), registry, new RunFile(dir.resolve("runs.json")), processes, new EngineTest.FakeClock());
        engine.restore();
        engine.begin();
        fixture.engine = engine;
        assertThat(names(send("status", Map.of("names", List.of("0"))))).containsExactly("0");
    }

    @Test
    void theSameSpecRegisteredAgainIsNoChangeAnotherIsRefusedWithWhatDiffers() throws Exception {
        register("web", "port", "8080");
        var again = send("register", Map.of("spec", spec("web", "port", "8080").toJson())).get();
        assertThat(again).containsEntry("unchanged", true);
        var e = failure(send("register", Map.of("spec", spec("web", "port", "8081", "restart-delay", "1s").toJson())));
        assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains("(it differs in port, restart_delay)").contains("pm update web");
        assertThat(registry.load().entries()).hasSize(1);
        assertThat(registry.load().entries().getFirst().spec().port()).isEqualTo(8080);
    }

    @Test
    void aChangeThatMattersOnlyAsItRunsTakesEffectWithoutARestart() throws Exception {
        register("web", "port", "8080");
        send("start", Map.of("name", "web"));
        var reply = send("update", Map.of("name", "web", "spec", spec("web", "port", "8080", "health-check", "/up",
                "health-interval", "2s", "restart-policy", "always").toJson())).get();
        assertThat(reply.get("changed")).isEqualTo(List.of("health_check", "health_interval", "restart_policy"));
        assertThat(reply.get("restarted")).isEqualTo(false);
        assertThat(processes.spawned).containsExactly("web");
        assertThat(registry.load().entries().getFirst().spec().healthCheck()).isEqualTo("/up");
        // The monitor's snapshot carries the new check at once; the app is checked afresh.
        var target = engine.targets().getFirst();
        assertThat(target.probe()).isPresent();
        assertThat(target.health().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(engine.procs.get("web").health).isEqualTo(pm.core.Health.UNKNOWN);
    }

    @Test
    void aChangeThatMattersAtSpawnRestartsARunningAppAndIsAnsweredOnceItRunsAgain() throws Exception {
        register("web");
        long pid = statuses(send("start", Map.of("name", "web"))).getFirst().pid();
        var reply = send("update", Map.of("names", List.of("0"), "spec", spec("web", "env", List.of("A=1")).toJson()));
        assertThat(reply).isNotDone();
        processes.exit(pid, -15);
        engine.turn();
        assertThat(reply.get().get("changed")).isEqualTo(List.of("env"));
        assertThat(reply.get().get("restarted")).isEqualTo(true);
        assertThat(processes.spawned).containsExactly("web", "web");
        assertThat(engine.procs.get("web").spec.env()).isEqualTo(Map.of("A", "1"));
    }

    @Test
    void aStoppedAppIsNotStartedByAnUpdateAndTheSameSpecIsNoChange() throws Exception {
        register("web");
        var reply = send("update", Map.of("name", "web", "spec", spec("web", "env", List.of("A=1")).toJson())).get();
        assertThat(reply.get("restarted")).isEqualTo(false);
        assertThat(processes.spawned).isEmpty();
        assertThat(engine.procs.get("web").state).isEqualTo(ProcessState.STOPPED);
        assertThat(send("update", Map.of("name", "web", "spec", spec("web", "env", List.of("A=1")).toJson())).get().get("changed"))
                .isEqualTo(List.of());
    }

    @Test
    void anUpdateCannotRenameAndReservedNamesAreRefused() throws Exception {
        register("web");
        var e = failure(send("update", Map.of("name", "web", "spec", spec("api").toJson())));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID);
        assertThat(registry.load().entries().getFirst().spec().name()).isEqualTo("web");
        var all = new ProcessSpec("all", spec("x").type(), script.toString(), List.of(), "", dir.toString(), Map.of(), 0, "",
                spec("x").restartPolicy(), 10, Duration.ofMillis(100), 15, Duration.ofSeconds(10));
        assertThat(failure(send("register", Map.of("spec", all.toJson()))).getMessage()).contains("'all' is reserved");
    }

    @Test
    void aFieldOfTheWrongTypeIsRefusedWithItsPathAndNothingChanges() throws Exception {
        register("web", "env", List.of("A=1"));
        send("start", Map.of("name", "web"));
        var nullValue = new java.util.HashMap<String, Object>();
        nullValue.put("A", null);
        var refused = List.<Map<String, Object>>of(
                Map.of("name", "web", "env", nullValue),
                Map.of("name", "web", "env", Map.of("A", 5L)),
                Map.of("name", "web", "env", "x"),
                Map.of("names", List.of(7L)),
                Map.of("all", "yes"));
        var messages = new java.util.ArrayList<String>();
        for (var args : refused) {
            var e = failure(send("restart", args));
            assertThat(e.code()).as(args.toString()).isEqualTo(ErrorCode.BAD_REQUEST);
            messages.add(e.getMessage());
        }
        assertThat(messages).containsExactly("env.A: is null: an empty value is written \"\"",
                "env.A: expected a string, got 5", "env: expected an object of names to string values, got the string 'x'",
                "names: expected names (strings), got 7", "all: expected true or false, got the string 'yes'");
        var force = failure(send("stop", Map.of("name", "web", "force", "yes")));
        assertThat(force.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(force.getMessage()).isEqualTo("force: expected true or false, got the string 'yes'");
        assertThat(failure(send("reload", Map.of("name", "web", "env", nullValue))).getMessage()).startsWith("env.A: is null");
        assertThat(processes.spawned).as("no restart, no stop").containsExactly("web");
        assertThat(engine.procs.get("web").state).isEqualTo(ProcessState.RUNNING);
        assertThat(registry.load().entries().getFirst().spec().env()).isEqualTo(Map.of("A", "1"));
    }
}
