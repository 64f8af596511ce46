package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (npm, installed by the build
 * from src/test/browser), as a user would use it: log in with {@code pm dashboard}'s link, see the apps
 * running, restart one and see its pid change without a reload, see the restart count go up when pm
 * restarts a killed app, follow an app's log live, stop (after a question) and start it, at phone width,
 * and with a read-only token, no buttons. src/test/browser/dashboard.mjs says each step; it saves the
 * screenshot kept as docs/dashboard.png in target/.
 */
class DashboardIT {
    static final Path BROWSER_TEST = Pm.ROOT.resolve("src/test/browser");

    @Test
    void aUserSeesTheAppsLiveAndActsOnThem() throws Exception {
        assertThat(BROWSER_TEST.resolve("node_modules/playwright-core")).as("npm ci in src/test/browser (the build runs it)").isDirectory();
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            pm.ok("register", pm.fixture("ticker.sh").toString(), "--name", "ticker");
            pm.ok("start", "--all");
            pm.ok("token", "create", "--read-only", "viewer");
            String link = pm.ok("dashboard").strip();
            String readOnly = pm.ok("dashboard", "--token", "viewer").strip();
            assertThat(link).startsWith("http://127.0.0.1:" + Http.port(pm) + "/login?t=");
            Path shots = Files.createDirectories(Pm.ROOT.resolve("target"));

            var pb = new ProcessBuilder(PrometheusIT.tool("node"), "dashboard.mjs").directory(BROWSER_TEST.toFile()).redirectErrorStream(true);
            pb.environment().put("PM_LINK", link);
            pb.environment().put("PM_LINK_RO", readOnly);
            pb.environment().put("PM_APPS", "web,ticker");
            pb.environment().put("PM_SHOTS", shots.toString());
            pb.environment().put("CHROMIUM", PrometheusIT.tool("chromium"));
            String out = run(pb);
            assertThat(out).as(out).endsWith("ok\n");
            assertThat(shots.resolve("dashboard.png")).isNotEmptyFile();
        }
    }

    /** Runs the browser's part and returns what it printed; it ends by itself within 2 minutes. */
    private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path log = Files.createTempFile("pm-dashboard-it", ".txt");
        try {
            Process p = pb.redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the browser test did not end within 120 s:\n" + Files.readString(log));
            }
            String out = Files.readString(log);
            if (p.exitValue() != 0) throw new AssertionError("the browser test failed (exit " + p.exitValue() + "):\n" + out);
            return out;
        } finally {
            Files.delete(log);
        }
    }
}
