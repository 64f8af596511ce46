package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * The Python sample app, a Flask app in the virtualenv the build makes (as ./pm demo does): on its own, on
 * a socket passed by socket activation, and under pm. Never on port 5000, which the quick start uses.
 */
class FlaskAppIT {
    static final Path APP = Pm.ROOT.resolve("sample_apps/python_app");
    static final Path PYTHON = APP.resolve(".venv/bin/python");

    @Test
    void onItsOwnItServesAndStopsCleanlyOnSigtermAndSigint() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            int port = MonitorIT.freePort();
            Path out = Files.createTempFile("flask-app", ".log");
            var pb = new ProcessBuilder(PYTHON.toString(), "app.py").directory(APP.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("PORT", String.valueOf(port));
            pb.environment().put("WORKER_INTERVAL", "0.2");
            Process app = pb.start();
            try {
                await("/health answers", seconds(15), () -> QuickStartIT.healthy(port));
                await("a worker tick", seconds(10), () -> read(out).contains("worker: tick 1,"));
                assertThat(read(out)).contains("python-app listening on http://127.0.0.1:" + port + " (Flask, pid " + app.pid() + ")");

                stopAndExpectExitZero(app, signal);
                assertThat(read(out)).contains("received SIG" + signal + ", shutting down").endsWith("stopped cleanly\n");
                assertThat(QuickStartIT.healthy(port)).isFalse();
            } finally {
                app.destroyForcibly();
                Files.delete(out);
            }
        }
    }

    @Test
    void itServesTheListeningSocketPassedAsFd3() throws Exception {
        // PORT names a port already taken: the app must not even try to bind it.
        try (var taken = new ServerSocket(0)) {
            Path out = Files.createTempFile("flask-app", ".log");
            var pb = new ProcessBuilder(PYTHON.toString(), Pm.FIXTURES.resolve("socket_activate.py").toString(), PYTHON.toString(), "app.py")
                    .directory(APP.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("PORT", String.valueOf(taken.getLocalPort()));
            Process app = pb.start();
            try {
                await("the passed socket's port", seconds(10), () -> read(out).startsWith("port ") && read(out).contains("\n"));
                String first = read(out).lines().findFirst().orElseThrow();
                int port = Integer.parseInt(first.substring("port ".length()));
                await("/health answers on the passed socket", seconds(15), () -> QuickStartIT.healthy(port));
                assertThat(read(out)).contains("listening on http://127.0.0.1:" + port + " (Flask, socket passed as fd 3, pid " + app.pid() + ")");

                stopAndExpectExitZero(app, "TERM");
                assertThat(read(out)).endsWith("stopped cleanly\n");
            } finally {
                app.destroyForcibly();
                Files.delete(out);
            }
        }
    }

    @Test
    void underPmItRunsInItsVirtualenvBeatsAndAStopIsClean() {
        try (var pm = new Pm()) {
            int port = MonitorIT.freePort();
            pm.ok("register", "sample_apps/python_app/app.py", "--name", "flask-app", "--port", String.valueOf(port),
                    "--health-check", "/health", "--env", "WORKER_INTERVAL=0.2");
            assertThat(spec(pm, "flask-app").get("interpreter")).isEqualTo(PYTHON.toString());

            pm.ok("start", "flask-app");
            await("healthy", seconds(20), () -> "healthy".equals(pm.status("flask-app").get("health")));
            await("a heartbeat", seconds(10), () -> pm.status("flask-app").get("heartbeat_at") != null);
            await("a worker tick", seconds(10), () -> log(pm).contains("worker: tick 1,"));
            assertThat(log(pm)).contains("heartbeats to pm every");

            var stop = pm.run("stop", "flask-app");
            assertThat(stop.code()).as(stop.toString()).isZero();
            assertThat(stop.out()).contains("flask-app: stopped");
            // SIGTERM was enough: it exited by itself, with status 0, well before the kill timeout.
            assertThat(pm.status("flask-app").get("last_exit")).asInstanceOf(MAP)
                    .containsEntry("kind", "exited").containsEntry("code", 0L);
            assertThat(log(pm)).contains("received SIGTERM, shutting down").contains("stopped cleanly");
            assertThat(QuickStartIT.healthy(port)).isFalse();
        }
    }

    private static void stopAndExpectExitZero(Process app, String signal) throws Exception {
        var kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(app.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(app.waitFor(10, TimeUnit.SECONDS)).as("exited within 10s of SIG" + signal).isTrue();
        assertThat(app.exitValue()).as("exit status after SIG" + signal).isZero();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(Pm pm, String name) {
        return (Map<String, Object>) Json.parseObject(pm.ok("describe", name, "--json")).get("spec");
    }

    private static String log(Pm pm) {
        return pm.ok("logs", "flask-app", "--tail", "50", "--out");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
