package pm.daemon.engine;

import org.junit.jupiter.api.Test;
import pm.core.ErrorCode;
import pm.core.ProcessSpec;
import pm.core.ProcessState;
import pm.core.Signals;
import pm.daemon.registry.Registry;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's apply: a whole set of apps in one request, one registry write, a plan in the reply. */
class ApplyTest extends EngineFixture {
    CompletableFuture<Map<String, Object>> apply(boolean prune, boolean dryRun, ProcessSpec... specs) {
        var apps = new ArrayList<Object>();
        for (var s : specs) apps.add(Map.of("spec", s.toJson(), "autostart", !s.name().startsWith("manual")));
        var reply = engine.submit("apply", Map.of("apps", apps, "prune", prune, "dry_run", dryRun));
        engine.turn();
        return reply;
    }

    /** When the registry file was last replaced, to the nanosecond: an apply that writes nothing leaves it. */
    Object written() throws Exception {
        return Files.getLastModifiedTime(registry).toInstant();
    }

    List<Registry.Entry> entries() {
        return new Registry(registry).load().entries();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> plan(CompletableFuture<Map<String, Object>> reply) throws Exception {
        assertThat(reply).isDone();
        return (Map<String, Object>) reply.get().get("plan");
    }

    @Test
    void aNewSetIsCreatedAndStartedWithOneRegistryWriteAndTheSameSetAgainDoesNothing() throws Exception {
        var specs = new ProcessSpec[]{spec("db"), spec("web", "depends-on", List.of("db")), spec("manual-job")};
        var plan = plan(apply(false, false, specs));
        assertThat(plan.get("create")).isEqualTo(List.of("db", "web", "manual-job"));
        assertThat(plan.get("start")).isEqualTo(List.of("db", "web"));
        assertThat(entries()).extracting(e -> e.spec().name() + "=" + e.wanted()).containsExactly("db=true", "web=true", "manual-job=false");
        assertThat(processes.spawned).containsExactly("db", "web");
        assertThat(engine.procs.get("manual-job").state).isEqualTo(ProcessState.STOPPED);

        var before = written();
        var again = plan(apply(false, false, specs));
        assertThat(again.get("unchanged")).isEqualTo(List.of("db", "web", "manual-job"));
        assertThat(again.get("create")).isEqualTo(List.of());
        assertThat(again.get("start")).isEqualTo(List.of());
        assertThat(written()).as("nothing to write").isEqualTo(before);
    }

    @Test
    void aChangeIsAnUpdateNamingItsFieldsAndRestartsOnlyWhenItMattersAtSpawn() throws Exception {
        apply(false, false, spec("db"), spec("web"));
        long web = engine.procs.get("web").pid;
        var reply = apply(false, false, spec("db", "max-memory", "300M"), spec("web", "env", List.of("A=1")));
        assertThat(reply).as("waits for web's restart").isNotDone();
        processes.exit(web, -Signals.SIGTERM);
        engine.turn();
        @SuppressWarnings("unchecked")
        var updates = (List<Map<String, Object>>) plan(reply).get("update");
        assertThat(updates).containsExactly(
                Map.of("name", "db", "changed", List.of("max_memory"), "restart", false),
                Map.of("name", "web", "changed", List.of("env"), "restart", true));
        assertThat(engine.procs.get("web").pid).isEqualTo(web + 1);
        assertThat(engine.procs.get("db").spec.maxMemory()).isEqualTo(300L << 20);
        assertThat(entries().getFirst().spec().maxMemory()).isEqualTo(300L << 20);
    }

    @Test
    void aDryRunPlansAndChangesNothingAndPruneRemovesWhatTheSetDoesNotName() throws Exception {
        apply(false, false, spec("db"), spec("old"));
        long old = engine.procs.get("old").pid;
        var before = written();
        var dry = plan(apply(true, true, spec("db")));
        assertThat(dry.get("remove")).isEqualTo(List.of("old"));
        assertThat(engine.procs).containsKey("old");
        assertThat(written()).isEqualTo(before);

        var reply = apply(true, false, spec("db"));
        assertThat(entries()).as("written stopped first").extracting(e -> e.spec().name() + "=" + e.wanted()).containsExactly("db=true", "old=false");
        processes.exit(old, -Signals.SIGTERM);
        engine.turn();
        assertThat(plan(reply).get("remove")).isEqualTo(List.of("old"));
        assertThat(engine.procs).containsOnlyKeys("db");
        assertThat(entries()).as("then removed").extracting(e -> e.spec().name()).containsExactly("db");
    }

    @Test
    void anInvalidSetChangesNothing() throws Exception {
        apply(false, false, spec("db"));
        var before = written();
        var cycle = EngineTest.failure(apply(false, false, spec("db", "depends-on", List.of("web")), spec("web", "depends-on", List.of("db"))));
        assertThat(cycle.code()).isEqualTo(ErrorCode.INVALID);
        assertThat(cycle.getMessage()).contains("a dependency cycle: db -> web -> db");
        var twice = EngineTest.failure(apply(false, false, spec("web"), spec("web")));
        assertThat(twice.getMessage()).isEqualTo("the app web is given twice");
        var prunedNeeded = EngineTest.failure(apply(true, false, spec("web", "depends-on", List.of("db"))));
        assertThat(prunedNeeded.getMessage()).startsWith("web depends on db, which is not registered");
        assertThat(engine.procs).containsOnlyKeys("db");
        assertThat(written()).isEqualTo(before);
    }
}
