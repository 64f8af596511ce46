package pm.daemon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;
import pm.daemon.api.Server;
import pm.daemon.api.ServerTest;
import pm.daemon.registry.Registry;
import pm.daemon.registry.RunFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The control socket opens before the engine's loop starts: a request in between waits for the loop, it is not refused. */
class StartingEngineTest {
    @Test
    @Timeout(10)
    void aRequestThatComesBeforeTheLoopStartsIsAnsweredOnceItDoes(@TempDir Path dir) throws Exception {
        var engine = new Engine(new Home(dir), new Registry(dir.resolve("registry.json")), new RunFile(dir.resolve("runs.json")),
                new EngineTest.FakeProcesses(), new EngineTest.FakeClock());
        engine.restore();
        Path socket = dir.resolve("pm.sock");
        var server = Server.bind(socket, engine, () -> {});
        Thread.ofPlatform().daemon().start(server::serve);
        try {
            var reply = CompletableFuture.supplyAsync(() -> send(socket, "{\"v\":1,\"cmd\":\"ping\"}"));
            Thread.sleep(200); // the request is in, the loop not yet started
            assertThat(reply).isNotDone();
            var loop = Thread.ofPlatform().daemon().start(engine::run);
            assertThat(reply.get(5, TimeUnit.SECONDS)).contains("\"ok\":true");
            engine.submit("shutdown", Map.of()).get(5, TimeUnit.SECONDS);
            loop.join(5000);
            assertThat(engine.hasStopped()).isTrue();
            assertThat(send(socket, "{\"v\":1,\"cmd\":\"ping\"}")).contains("the daemon's engine has stopped");
        } finally {
            server.close();
        }
    }

    private static String send(Path socket, String line) {
        try {
            return ServerTest.send(socket, line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
