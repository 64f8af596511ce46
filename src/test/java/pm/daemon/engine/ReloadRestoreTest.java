package pm.daemon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessStatus;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;
import pm.daemon.procfs.RunMark;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static pm.daemon.engine.EngineTest.statuses;

/**
 * A daemon that ended in the middle of a reload leaves two runs of one copy: the next daemon takes over
 * both, keeps the one the run file names for the copy (the old run until the replacement was ready, the
 * replacement after), stops the other as a group, and starts nothing. Fake processes, real run file.
 */
class ReloadRestoreTest {
    @TempDir
    Path dir;
    final EngineTest.FakeClock clock = new EngineTest.FakeClock();
    EngineTest.FakeProcesses processes = new EngineTest.FakeProcesses();
    Registry registry;

    /** An app with no port of its own: a reload starts its replacement beside it. */
    private void registered() throws Exception {
        registry = new Registry(dir.resolve("registry.json"));
        registry.save(List.of(new Registry.Entry(0, new ProcessSpec("web", ProcessType.BINARY, "/bin/sleep", List.of("1000"), "", "/", Map.of(), 0, "",
                RestartPolicy.ON_FAILURE, 10, Duration.ZERO, Signals.SIGTERM, Duration.ofSeconds(1)), true)));
    }

    private RunFile runFile() {
        return new RunFile(dir.resolve("runs.json"));
    }

    private Engine restored() {
        var engine = new Engine(new Home(dir), registry, runFile(), processes, clock);
        engine.restore();
        engine.begin();
        return engine;
    }

    private RunFile.Saved run(long pid, long serial) {
        return new RunFile.Saved(pid, 77, clock.millis, 0, "x", "", serial);
    }

    private void alive(long... pids) {
        for (long pid : pids) processes.adoptable.put(pid, new EngineTest.FakeRun("web", pid, 77));
    }

    private static ProcessStatus web(Engine engine) throws Exception {
        var reply = engine.submit("status", Map.of());
        engine.turn();
        return statuses(reply).getFirst();
    }

    private List<Long> signalled() {
        var out = new ArrayList<Long>();
        for (var s : processes.signals) out.add(s.pid());
        return out;
    }

    @Test
    void aReplacementNotReadyYetIsStoppedAndTheOldRunGoesOnServing() throws Exception {
        registered();
        runFile().save(Map.of("web", run(4240, 100)), Map.of("web", run(4250, 101)));
        alive(4240, 4250);

        var engine = restored();
        var web = web(engine);
        assertThat(web.pid()).isEqualTo(4240);
        assertThat(web.reason()).contains("ended during a reload: its replacement was stopped");
        assertThat(processes.signals).containsExactly(new EngineTest.Sent(4250, Signals.SIGTERM));
        assertThat(processes.spawned).isEmpty();
        // Still on record while it stops, so a daemon killed again keeps track of it.
        assertThat(runFile().load().aside().get("web").pid()).isEqualTo(4250);
        processes.exit(4250, 0);
        engine.turn();
        assertThat(engine.aside).isEmpty();
        assertThat(engine.reloads).isEmpty();
        assertThat(runFile().load().aside()).isEmpty();
        assertThat(signalled()).containsExactly(4250L);
        var stop = engine.submit("stop", Map.of("names", List.of("web")));
        engine.turn();
        assertThat(stop).isNotCompletedExceptionally();
        assertThat(signalled()).containsExactly(4250L, 4240L);
    }

    @Test
    void whileTheLeftoverStopsTheAppIsBusyNotRaced() throws Exception {
        registered();
        runFile().save(Map.of("web", run(4240, 100)), Map.of("web", run(4250, 101)));
        alive(4240, 4250);

        var engine = restored();
        var stop = engine.submit("stop", Map.of("names", List.of("web")));
        engine.turn();
        assertThat(stop).isDone();
        var e = catchThrowable(stop::get);
        assertThat(e).isInstanceOf(ExecutionException.class);
        assertThat(((PmException) e.getCause()).code()).isEqualTo(ErrorCode.BUSY);
        assertThat(signalled()).containsExactly(4250L);
    }

    @Test
    void anOldRunBeingRetiredIsStoppedAndItsReadyReplacementGoesOnServing() throws Exception {
        registered();
        // The replacement was ready: the run file names it for the copy, and the old run aside.
        runFile().save(Map.of("web", run(4250, 101)), Map.of("web", run(4240, 100)));
        alive(4240, 4250);

        var engine = restored();
        assertThat(web(engine).pid()).isEqualTo(4250);
        assertThat(web(engine).reason()).isEqualTo("adopted from an earlier daemon");
        assertThat(signalled()).containsExactly(4240L);
        assertThat(processes.spawned).isEmpty();
    }

    @Test
    void aReplacementSpawnedBeforeTheRunFileNamedItIsFoundByItsMarkAndStopped() throws Exception {
        registered();
        runFile().save(Map.of("web", run(4240, 100)), Map.of("web", RunFile.Saved.PENDING));
        alive(4240);
        processes.marked.put(RunMark.key(0, 0), new RunMark.Found(4250, 77, 101, 0, 0, "s".repeat(32), ""));
        alive(4250);

        var engine = restored();
        assertThat(processes.scans).isEqualTo(1);
        assertThat(web(engine).pid()).isEqualTo(4240);
        assertThat(signalled()).containsExactly(4250L);
        assertThat(processes.spawned).isEmpty();
    }

    @Test
    void aPendingReplacementThatWasNeverSpawnedLeavesNothingToDo() throws Exception {
        registered();
        runFile().save(Map.of("web", run(4240, 100)), Map.of("web", RunFile.Saved.PENDING));
        alive(4240);

        var engine = restored();
        assertThat(processes.scans).isEqualTo(1);
        assertThat(web(engine).pid()).isEqualTo(4240);
        assertThat(engine.aside).isEmpty();
        assertThat(engine.reloads).isEmpty();
        assertThat(processes.signals).isEmpty();
    }

    @Test
    void aReplacementWhoseOldRunEndedMeanwhileTakesItsPlaceRatherThanAFreshStart() throws Exception {
        registered();
        runFile().save(Map.of("web", run(4240, 100)), Map.of("web", run(4250, 101)));
        alive(4250); // the old run ended while no daemon ran

        var engine = restored();
        var web = web(engine);
        assertThat(web.pid()).isEqualTo(4250);
        assertThat(web.reason()).contains("the replacement it started");
        assertThat(processes.signals).isEmpty();
        assertThat(processes.spawned).isEmpty();
        assertThat(engine.aside).isEmpty();
    }

    @Test
    void aReloadNamesItsReplacementBeforeSpawningItAndTheNextDaemonTakesBothOver() throws Exception {
        registered();
        var engine = restored();
        long old = web(engine).pid();
        var atSpawn = new ArrayList<RunFile.Loaded>();
        processes.beforeSpawn = name -> atSpawn.add(runFile().load());
        var reply = engine.submit("reload", Map.of("names", List.of("web")));
        engine.turn();
        assertThat(reply).as("waits for the replacement to get ready").isNotDone();
        assertThat(atSpawn).singleElement().satisfies(l -> {
            assertThat(l.runs().get("web").pid()).isEqualTo(old);
            assertThat(l.aside()).containsEntry("web", RunFile.Saved.PENDING);
        });
        long fresh = runFile().load().aside().get("web").pid();
        assertThat(fresh).isNotZero().isNotEqualTo(old);

        // Killed now: the next daemon keeps the old run and stops the replacement.
        processes = new EngineTest.FakeProcesses();
        alive(old, fresh);
        var next = restored();
        assertThat(web(next).pid()).isEqualTo(old);
        assertThat(signalled()).containsExactly(fresh);
    }

    @Test
    void pmKillDuringAReloadStopsTheReplacementTooAndEndsOnlyOnceItIsDown() throws Exception {
        registered();
        var engine = restored();
        long old = web(engine).pid();
        var reload = engine.submit("reload", Map.of("names", List.of("web")));
        engine.turn();
        long fresh = runFile().load().aside().get("web").pid();

        var kill = engine.submit("shutdown", Map.of("stop_apps", true));
        engine.turn();
        assertThat(signalled()).containsExactlyInAnyOrder(old, fresh);
        processes.exit(old, 0);
        engine.turn();
        assertThat(kill).as("the replacement still runs").isNotDone();
        processes.exit(fresh, 0);
        engine.turn();
        assertThat(kill).isDone();
        assertThat(engine.finished()).isTrue();
        assertThat(reload).isCompletedExceptionally();
        assertThat(runFile().load().aside()).isEmpty();
    }
}
