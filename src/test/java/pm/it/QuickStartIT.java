package pm.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** The seed README's "Základní použití" section, typed exactly as written there, with the real sample apps. */
class QuickStartIT {
    static Pm pm;

    @BeforeAll
    static void setUp() {
        pm = new Pm();
    }

    @AfterAll
    static void tearDown() {
        pm.close();
    }

    /** The seed README's two register commands, word for word. */
    static final List<String> REGISTER_PYTHON = List.of("register", "sample_apps/python_app/app.py",
            "--name", "python-app",
            "--type", "python",
            "--port", "5000",
            "--health-check", "/health",
            "--restart-policy", "on-failure");
    static final List<String> REGISTER_NODE = List.of("register", "sample_apps/nodejs_app/app.js",
            "--name", "nodejs-app",
            "--type", "nodejs",
            "--port", "3000",
            "--health-check", "/health");

    @Test
    void theSeedsQuickStartWorksAsWritten() {
        var python = pm.run(REGISTER_PYTHON);
        assertThat(python.code()).as(python.toString()).isZero();
        assertThat(python.out()).contains("registered python-app");
        // The Flask app runs in the virtualenv beside it, which the build makes as ./pm demo does.
        assertThat(FlaskAppIT.spec(pm, "python-app").get("interpreter")).isEqualTo(FlaskAppIT.PYTHON.toString());

        var node = pm.run(REGISTER_NODE);
        assertThat(node.code()).as(node.toString()).isZero();

        // With a health check, an app is starting until its first probe passes.
        assertThat(pm.ok("start", "python-app")).containsPattern("python-app: (starting|running) \\(pid \\d+\\)");
        assertThat(pm.ok("start", "nodejs-app")).containsPattern("nodejs-app: (starting|running) \\(pid \\d+\\)");
        assertThat(pm.ok("start", "--all")).contains("python-app: ").contains("nodejs-app: ");

        await("both apps answer /health", seconds(20), () -> healthy(5000) && healthy(3000));
        await("pm sees both healthy", seconds(20), () -> pm.ok("status").matches("(?s).*python-app .* healthy .*nodejs-app .* healthy.*"));
        var status = pm.ok("status");
        assertThat(status).containsPattern("python-app +python +running +\\d+")
                .containsPattern("nodejs-app +nodejs +running +\\d+");

        await("the python app's start line in its log", seconds(10),
                () -> pm.ok("logs", "python-app", "--tail", "50").contains("listening on http://127.0.0.1:5000 (Flask"));

        long before = pm.pid("python-app");
        assertThat(pm.ok("restart", "python-app")).containsPattern("python-app: (starting|running)");
        assertThat(pm.pid("python-app")).isNotEqualTo(before);
        assertThat(Pm.alive(before)).isFalse();
        await("the restarted python app answers", seconds(20), () -> healthy(5000));

        long python2 = pm.pid("python-app");
        assertThat(pm.ok("stop", "python-app")).contains("python-app: stopped");
        assertThat(Pm.alive(python2)).isFalse();
        assertThat(healthy(5000)).isFalse();

        long nodePid = pm.pid("nodejs-app");
        assertThat(pm.ok("stop", "--all")).contains("nodejs-app: stopped");
        assertThat(Pm.alive(nodePid)).isFalse();
        assertThat(pm.state("python-app")).isEqualTo("stopped");
        assertThat(pm.state("nodejs-app")).isEqualTo("stopped");
        // A graceful shutdown: SIGTERM was enough and the apps said so in their logs.
        assertThat(pm.ok("logs", "nodejs-app", "--tail", "5", "--out")).contains("stopped cleanly");
        assertThat(pm.ok("logs", "python-app", "--tail", "5", "--out")).contains("stopped cleanly");
        assertThat(pm.status("python-app").get("last_exit")).asInstanceOf(MAP).containsEntry("kind", "exited").containsEntry("code", 0L);
    }

    static boolean healthy(int port) {
        try {
            var conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            conn.setConnectTimeout(500);
            conn.setReadTimeout(1000);
            return conn.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
