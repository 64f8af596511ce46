package pm.daemon.engine;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.SpecBuilder;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A real engine on EngineTest's fake processes and clock, in a temporary folder, for tests to drive turn by turn. */
abstract class EngineFixture {
    @TempDir
    Path dir;
    EngineTest.FakeClock clock = new EngineTest.FakeClock();
    EngineTest.FakeProcesses processes = new EngineTest.FakeProcesses();
    Engine engine;
    Path script;
    Path registry;

    @BeforeEach
    void startEngine() throws Exception {
        script = Files.writeString(dir.resolve("app.sh"), "sleep 1000\n");
        registry = dir.resolve("registry.json");
        engine = new Engine(new Home(dir), new Registry(registry), new RunFile(dir.resolve("runs.json")), processes, clock);
        engine.restore();
        engine.begin();
    }

    CompletableFuture<Map<String, Object>> send(String cmd, Map<String, Object> args) {
        var reply = engine.submit(cmd, args);
        engine.turn();
        return reply;
    }

    /** A shell app's spec with these flags and values (a list for a repeatable flag). */
    ProcessSpec spec(String name, Object... flags) {
        var raw = new LinkedHashMap<String, Object>(Map.of("script", script.toString(), "name", name, "type", "shell"));
        for (int i = 0; i < flags.length; i += 2) raw.put((String) flags[i], flags[i + 1]);
        return SpecBuilder.build(raw, SpecBuilder.Naming.flags(), new SpecBuilder.Context(dir, Map.of())).orThrow();
    }
}
