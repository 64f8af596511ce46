package pm.daemon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;
import pm.core.Json;
import pm.core.ProcessSpec;
import pm.core.ProcessStatus;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;
import pm.daemon.procfs.ProcFs;
import pm.daemon.procfs.RunMark;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.daemon.engine.EngineTest.statuses;

/**
 * What a daemon takes over as it starts, with a fake process layer: runs the run file does not name are
 * found by their mark, a corrupt run file is set aside and reported, and registry entries that cannot be
 * loaded are reported, kept in the file, and their running processes named.
 */
class RestoreTest {
    @TempDir
    Path dir;
    final EngineTest.FakeClock clock = new EngineTest.FakeClock();
    final EngineTest.FakeProcesses processes = new EngineTest.FakeProcesses();
    Registry registry;

    private ProcessSpec spec(String name) {
        return new ProcessSpec(name, ProcessType.BINARY, "/bin/sleep", List.of("1000"), "", "/", Map.of(), 0, "",
                RestartPolicy.ON_FAILURE, 10, Duration.ZERO, Signals.SIGTERM, Duration.ofSeconds(1));
    }

    private Engine restored() {
        var engine = new Engine(new Home(dir), registry, new RunFile(dir.resolve("runs.json")), processes, clock);
        engine.restore();
        engine.begin();
        return engine;
    }

    private static Map<String, ProcessStatus> status(Engine engine) throws Exception {
        var reply = engine.submit("status", Map.of());
        engine.turn();
        var out = new LinkedHashMap<String, ProcessStatus>();
        for (var s : statuses(reply)) out.put(s.name(), s);
        return out;
    }

    /** A run of app {@code id} that a scan of /proc finds by its mark. */
    private void marked(int id, long pid, long serial) {
        marked(id, 0, pid, serial);
    }

    /** A run of copy {@code copy} of app {@code id} that a scan of /proc finds by its mark. */
    private void marked(int id, int copy, long pid, long serial) {
        processes.marked.put(RunMark.key(id, copy), new RunMark.Found(pid, 77, serial, id, copy, "s".repeat(32), ""));
        processes.adoptable.put(pid, new EngineTest.FakeRun("app", pid, 77));
    }

    @Test
    void everyCopyIsFoundByItsOwnMarkWhenTheRunFileIsCorrupt() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web").withCopies(new pm.core.Copies(3, List.of(), Duration.ZERO)), true)));
        Files.writeString(dir.resolve("runs.json"), "{\"format\":1,\"runs\":{");
        marked(0, 0, 4240, 100);
        marked(0, 1, 4241, 101);
        marked(0, 2, 4242, 102);

        var all = status(restored());
        assertThat(all.get("web:0").pid()).isEqualTo(4240);
        assertThat(all.get("web:1").pid()).isEqualTo(4241);
        assertThat(all.get("web:2").pid()).isEqualTo(4242);
        assertThat(processes.spawned).as("no copy started twice").isEmpty();
        assertThat(new RunFile(dir.resolve("runs.json")).load().runs()).containsOnlyKeys("web", "web:1", "web:2");
    }

    @Test
    void aCopyTheRunFileDoesNotNameIsFoundByItsMarkTheOthersFromTheFile() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web").withCopies(new pm.core.Copies(3, List.of(), Duration.ZERO)), true)));
        // Killed as it started the copies: the run file names two of them.
        new RunFile(dir.resolve("runs.json")).save(Map.of(
                "web", new RunFile.Saved(4240, 77, clock.millis, 0, "x", "", 100),
                "web:1", new RunFile.Saved(4241, 77, clock.millis, 0, "x", "", 101)));
        processes.adoptable.put(4240L, new EngineTest.FakeRun("web", 4240, 77));
        processes.adoptable.put(4241L, new EngineTest.FakeRun("web:1", 4241, 77));
        marked(0, 0, 4240, 100);
        marked(0, 1, 4241, 101);
        marked(0, 2, 4242, 102);

        var all = status(restored());
        assertThat(all.get("web:0").reason()).isEqualTo("adopted from an earlier daemon");
        assertThat(all.get("web:1").reason()).isEqualTo("adopted from an earlier daemon");
        assertThat(all.get("web:2").pid()).isEqualTo(4242);
        assertThat(all.get("web:2").reason()).contains("found running by its mark");
        assertThat(processes.spawned).isEmpty();
    }

    @Test
    void aRunTheRunFileDoesNotNameIsFoundByItsMarkAndNotStartedAgain() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web"), true)));
        marked(0, 4242, 100);

        var web = status(restored()).get("web");
        assertThat(web.pid()).isEqualTo(4242);
        assertThat(web.reason()).contains("found running by its mark");
        assertThat(processes.spawned).isEmpty();
        assertThat(new RunFile(dir.resolve("runs.json")).load().runs().get("web").pid()).isEqualTo(4242);
    }

    @Test
    void aMarkedRunIsNotLookedForWhenTheRunFileAccountsForEveryApp() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web"), true)));
        new RunFile(dir.resolve("runs.json")).save(Map.of("web", new RunFile.Saved(4242, 77, clock.millis, 0, "x", "", 100)));
        processes.adoptable.put(4242L, new EngineTest.FakeRun("web", 4242, 77));

        assertThat(status(restored()).get("web").reason()).isEqualTo("adopted from an earlier daemon");
        assertThat(processes.scans).isZero();
    }

    @Test
    void noScanIsMadeForAppsThatShouldNotRun() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web"), false)));

        assertThat(status(restored()).get("web").pid()).isZero();
        assertThat(processes.scans).isZero();
    }

    @Test
    void aCorruptRunFileIsSetAsideReportedAndTheRunsAreFoundByTheirMark() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, spec("web"), true), new Registry.Entry(1, spec("api"), true)));
        Files.writeString(dir.resolve("runs.json"), "{\"format\":1,\"runs\":{\"web\":{\"pid\":42");
        marked(0, 4242, 100);
        marked(1, 4343, 101);

        var engine = restored();
        var all = status(engine);
        assertThat(all.get("web").pid()).isEqualTo(4242);
        assertThat(all.get("api").pid()).isEqualTo(4343);
        assertThat(processes.spawned).isEmpty();
        assertThat(engine.warnings).singleElement().asString().contains("the run file was corrupt").contains("runs.json.corrupt-");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("runs.json.corrupt-"));
        }
        // The new run file names both runs again.
        assertThat(new RunFile(dir.resolve("runs.json")).load().runs()).containsOnlyKeys("web", "api");
    }

    @Test
    void anEmptyRunFileIsNoRunsAndNoWarning() throws Exception {
        Files.writeString(dir.resolve("runs.json"), "");
        var loaded = new RunFile(dir.resolve("runs.json")).load();
        assertThat(loaded.runs()).isEmpty();
        assertThat(loaded.warning()).isEmpty();
    }

    /** Writes a registry by hand: each entry's id, then its spec as JSON. */
    @SafeVarargs
    private void handWritten(Map<String, Object>... entries) throws Exception {
        var list = new ArrayList<Object>();
        for (var e : entries) list.add(e);
        Files.writeString(dir.resolve("registry.json"), Json.write(Map.of("format", 1, "processes", list)));
        registry = new Registry(dir.resolve("registry.json"));
    }

    private Map<String, Object> entry(int id, Map<String, Object> spec) {
        return Map.of("id", id, "desired", "running", "spec", spec);
    }

    @Test
    void anUnreadableEntryIsReportedKeptInTheFileAndItsRunningProcessNamed() throws Exception {
        var broken = new LinkedHashMap<>(spec("web").toJson());
        broken.put("port", 70000);
        handWritten(entry(0, broken), entry(1, spec("api").toJson()));
        // The run file names web's run: this very process, which runs.
        long self = ProcessHandle.current().pid();
        long start = ProcFs.stat(self).orElseThrow().startTime();
        new RunFile(dir.resolve("runs.json")).save(Map.of("web", new RunFile.Saved(self, start, clock.millis, 0, "x", "", 5)));

        var engine = restored();
        assertThat(status(engine)).containsOnlyKeys("api");
        assertThat(engine.warnings).hasSize(2);
        assertThat(engine.warnings.getFirst()).contains("'web' (id 0): spec.port: 70000 is out of range").contains("stays in");
        assertThat(engine.warnings.get(1)).contains("'web' (id 0) was not loaded, and its process " + self + " was running")
                .contains("leaves it running").contains("kill -TERM -" + self);
        // A save keeps the entry as it was, and no new app takes its id.
        engine.submit("register", Map.of("spec", spec("db").toJson()));
        engine.turn();
        var saved = Files.readString(dir.resolve("registry.json"));
        assertThat(saved).contains("70000").contains("\"db\"");
        assertThat(status(engine).get("db").id()).isEqualTo(2);
    }

    @Test
    void aSecondEntryWithTheSameNameIsReportedNotIgnoredAndItsMarkedRunNamed() throws Exception {
        var other = new LinkedHashMap<>(spec("web").toJson());
        other.put("args", List.of("2000"));
        handWritten(entry(0, spec("web").toJson()), entry(1, other));
        marked(1, 4545, 200);

        var engine = restored();
        assertThat(status(engine).get("web").id()).isZero();
        assertThat(engine.warnings.getFirst()).contains("'web' (id 1): a second entry named 'web' (the first has id 0)");
        assertThat(engine.warnings.get(1)).contains("(id 1) was not loaded, and its process 4545 was running");
        assertThat(Files.readString(dir.resolve("registry.json"))).contains("2000");
        // Web itself had no run on record and none by its mark: it is started.
        assertThat(processes.spawned).containsExactly("web");
    }

    @Test
    void theNameOfAnUnreadableEntryIsNotTakenCommandsSayWhyAndUnregisterDropsItOnceItsProcessIsGone() throws Exception {
        var broken = new LinkedHashMap<>(spec("t1").toJson());
        broken.put("restart_policy", "bogus");
        handWritten(entry(0, broken), entry(1, spec("s1").toJson()));
        marked(0, 4545, 200);
        var engine = restored();

        var start = engine.submit("start", Map.of("name", "t1"));
        engine.turn();
        var e = EngineTest.failure(start);
        assertThat(e.code()).isEqualTo(pm.core.ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).startsWith("'t1' is in " + dir.resolve("registry.json") + " but could not be loaded (unknown restart policy 'bogus'")
                .endsWith("mend the entry there and run pm daemon restart, or drop it with pm unregister t1");
        var register = engine.submit("register", Map.of("spec", spec("t1").toJson()));
        engine.turn();
        assertThat(EngineTest.failure(register).getMessage()).startsWith("the name 't1' is held by an entry of ").endsWith("or pick another --name");
        assertThat(status(engine)).containsOnlyKeys("s1");
        // Its process still runs: pm cannot tell how that app wants to be stopped, so it says how to end it.
        var refused = engine.submit("unregister", Map.of("name", "t1"));
        engine.turn();
        assertThat(EngineTest.failure(refused).getMessage()).contains("process 4545 still runs").contains("kill -TERM -4545");
        assertThat(Files.readString(dir.resolve("registry.json"))).contains("bogus");
        // Once it has ended, unregister drops the entry; its name is free again.
        processes.marked.clear();
        var dropped = engine.submit("unregister", Map.of("names", List.of("0")));
        engine.turn();
        assertThat(statuses(dropped)).extracting(ProcessStatus::name).containsExactly("t1");
        assertThat(Files.readString(dir.resolve("registry.json"))).doesNotContain("bogus").contains("s1");
        assertThat(engine.warnings).isEmpty();
        engine.submit("register", Map.of("spec", spec("t1").toJson()));
        engine.turn();
        assertThat(status(engine)).containsOnlyKeys("s1", "t1");
        assertThat(new Registry(dir.resolve("registry.json")).load().warning()).isEmpty();
    }

    @Test
    void anEntryThatStaysUnreadableIsCopiedAsideOnceNotAtEveryStart() throws Exception {
        var broken = new LinkedHashMap<>(spec("web").toJson());
        broken.put("port", 70000);
        handWritten(entry(0, broken));
        // A copy an earlier daemon set aside, of the same bytes.
        Path earlier = dir.resolve("registry.json.corrupt-20260101-000000");
        Files.copy(dir.resolve("registry.json"), earlier);
        var engine = restored();
        assertThat(engine.warnings.getFirst()).contains("a copy of the file is in " + earlier);
        restored();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("registry.json.corrupt-"))).containsExactly(earlier);
        }
        // Another edit is another copy.
        broken.put("port", 70001);
        handWritten(entry(0, broken));
        assertThat(restored().warnings.getFirst()).doesNotContain(earlier.toString()).contains("registry.json.corrupt-");
    }
}
