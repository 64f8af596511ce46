package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** pm update through the real ./pm: a spec changed in place, restarted only when the change needs a new process. */
class UpdateIT {
    Pm pm;

    @BeforeEach
    void setUp() {
        pm = new Pm();
    }

    @AfterEach
    void tearDown() {
        pm.close();
    }

    String log(String name) {
        try {
            return Files.readString(pm.file("logs/" + name + ".out.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aChangeForTheRunningAppTakesEffectAsItRunsOneForItsSpawnRestartsIt() throws Exception {
        pm.ok("register", pm.fixture("env-dump.sh").toString(), "--name", "web", "--env", "GREETING=hello");
        pm.ok("start", "web");
        long pid = pm.pid("web");

        assertThat(pm.ok("update", "web", "--restart-policy", "always", "--max-memory", "300M"))
                .isEqualTo("web: updated max_memory, restart_policy\n");
        assertThat(pm.pid("web")).as("not restarted").isEqualTo(pid);
        assertThat(pm.status("web").get("restart_policy")).isEqualTo("always");
        assertThat(pm.ok("describe", "web")).contains("max memory  300.0M");

        assertThat(pm.ok("update", "web", "--env", "GREETING=bonjour", "--env", "OTHER=1")).isEqualTo("web: updated env; restarted\n");
        await("the new run", seconds(10), () -> pm.state("web").equals("running") && pm.pid("web") != pid);
        await("its environment", seconds(10), () -> log("web").contains("GREETING=bonjour"));
        assertThat(pm.ok("describe", "web")).contains("env         GREETING=bonjour OTHER=1");

        assertThat(pm.ok("update", "0", "--env", "GREETING=bonjour")).isEqualTo("web: unchanged\n");
        assertThat(pm.ok("update", "web", "--unset-env", "OTHER")).isEqualTo("web: updated env; restarted\n");
        assertThat(pm.ok("describe", "web")).contains("env         GREETING=bonjour\n");

        pm.ok("stop", "web");
        assertThat(pm.ok("update", "web", "--", "one", "two")).isEqualTo("web: updated args\n");
        assertThat(pm.state("web")).as("a stopped app stays stopped").isEqualTo("stopped");
    }

    @Test
    void aNewHealthCheckIsWatchedWithoutARestart() {
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        pm.ok("register", pm.fixture("health_app.py").toString(), "--name", "api", "--port", String.valueOf(port));
        pm.ok("start", "api");
        long pid = pm.pid("api");
        assertThat(pm.status("api").get("health")).isEqualTo("none");
        assertThat(pm.ok("update", "api", "--health-check", "/health", "--health-interval", "200ms"))
                .isEqualTo("api: updated health_check, health_interval\n");
        await("healthy by its new check", seconds(15), () -> "healthy".equals(pm.status("api").get("health")));
        assertThat(pm.pid("api")).isEqualTo(pid);
    }

    @Test
    void badInputIsReportedAllAtOnceAndChangesNothing() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
        pm.ok("start", "web");
        long pid = pm.pid("web");
        String before = pm.ok("list", "--json");
        var r = pm.run("update", "web", "--port", "http", "--restart-delay", "3000", "--name", "api");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines()).containsExactly(
                "pm: --name cannot change: an app's name is its key (its logs, its entry); to rename web, "
                        + "pm unregister it and register it under the new name",
                "pm: --port 'http' is not a port: use a number from 1 to 65535",
                "pm: --restart-delay 3000 needs a unit: 3000ms or 3000s?");
        assertThat(pm.ok("list", "--json")).isEqualTo(before);
        assertThat(pm.pid("web")).isEqualTo(pid);

        r = pm.run("update", "wbe", "--port", "80");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("pm: no process named 'wbe'; did you mean 'web'?\n");
        r = pm.run("update", "web", "--save", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown flag --save; put the app's own flags after --: pm update web -- --save x");
        assertThat(pm.ok("list", "--json")).isEqualTo(before);
    }

    @Test
    void anAppOthersDependOnIsFreedForUnregisterByEmptyingTheirDependencies() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "db");
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web", "--depends-on", "db:started");
        var refused = pm.run("unregister", "db");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("pm: cannot unregister: web depends on db; unregister those too, or free them with"
                + " pm update NAME --depends-on '' (or --depends-on with the apps to keep)\n");
        assertThat(pm.ok("update", "web", "--depends-on", "")).isEqualTo("web: updated depends_on\n");
        assertThat(pm.ok("unregister", "db")).contains("db: unregistered");
    }
}
