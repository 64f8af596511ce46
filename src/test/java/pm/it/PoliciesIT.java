package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** Every restart policy, with real processes that exit the way each case needs. */
class PoliciesIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    /** Registers exit-with.sh CODE SECONDS COUNTFILE under this policy and starts it. */
    private Path app(String name, String policy, int code, String seconds, String... extra) {
        Path runs = pm.file(name + ".runs");
        var args = new java.util.ArrayList<>(java.util.List.of("register", pm.fixture("exit-with.sh").toString(),
                "--name", name, "--restart-policy", policy, "--restart-delay", "20ms"));
        args.addAll(java.util.List.of(extra));
        args.addAll(java.util.List.of("--", String.valueOf(code), seconds, runs.toString()));
        pm.ok(args.toArray(String[]::new));
        pm.ok("start", name);
        return runs;
    }

    static int runs(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void neverLeavesAFailedAppExited() {
        Path runs = app("never", "never", 3, "0");
        await("it exited", seconds(10), () -> pm.state("never").equals("exited"));
        // A restart would have happened within the 20ms delay.
        Pm.stays("a single run", Duration.ofMillis(300), () -> runs(runs) == 1);
        Map<String, Object> s = pm.status("never");
        assertThat(s.get("reason")).asString().contains("exited with status 3");
        assertThat(s.get("restarts")).isEqualTo(0L);
    }

    @Test
    void onFailureRestartsAFailureAndThenGivesUp() {
        Path runs = app("crashy", "on-failure", 1, "0", "--max-restarts", "3");
        await("it gave up", seconds(15), () -> pm.state("crashy").equals("fatal"));
        assertThat(runs(runs)).isEqualTo(4); // the first run and three restarts
        assertThat(pm.status("crashy").get("reason")).asString().contains("crash loop").contains("exited with status 1");
        assertThat(pm.ok("status")).contains("crash loop");
    }

    @Test
    void onFailureLeavesACleanExitAlone() {
        Path runs = app("clean", "on-failure", 0, "0");
        await("it exited", seconds(10), () -> pm.state("clean").equals("exited"));
        Pm.stays("a single run", Duration.ofMillis(300), () -> runs(runs) == 1);
    }

    @Test
    void onFailureRestartsAnAppKilledBySomeoneElse() {
        Path runs = app("victim", "on-failure", 0, "1000");
        long pid = pm.pid("victim");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await("it was restarted", seconds(10), () -> runs(runs) == 2 && pm.state("victim").equals("running"));
        assertThat(pm.pid("victim")).isNotEqualTo(pid);
        assertThat(pm.status("victim").get("restarts")).isEqualTo(1L);
    }

    @Test
    void alwaysRestartsEvenACleanExitUpToTheLimit() {
        Path runs = app("loop", "always", 0, "0", "--max-restarts", "2");
        await("it gave up", seconds(15), () -> pm.state("loop").equals("fatal"));
        assertThat(runs(runs)).isEqualTo(3);
    }

    @Test
    void unlessStoppedRestartsWithoutLimitUntilStopped() {
        Path runs = app("forever", "unless-stopped", 1, "0", "--max-restarts", "1");
        await("it restarted past its max-restarts", seconds(20), () -> runs(runs) >= 4);
        assertThat(pm.state("forever")).isNotEqualTo("fatal");
        assertThat(pm.ok("stop", "forever")).contains("forever: stopped");
        int after = runs(runs);
        assertThat(pm.state("forever")).isEqualTo("stopped");
        Pm.stays("no restart after a stop", Duration.ofMillis(500), () -> runs(runs) == after);
    }

    @Test
    void aStopByTheUserNeverTriggersARestart() {
        Path runs = app("steady", "always", 0, "1000");
        assertThat(pm.ok("stop", "steady")).contains("steady: stopped");
        Pm.stays("stopped, after one run", Duration.ofMillis(300),
                () -> runs(runs) == 1 && pm.state("steady").equals("stopped"));
    }

    @Test
    void backoffGrowsBetweenQuickCrashes() {
        Path runs = app("slow", "on-failure", 1, "0", "--restart-delay", "200ms", "--max-restarts", "3");
        long started = System.nanoTime();
        await("it gave up", seconds(20), () -> pm.state("slow").equals("fatal"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        // The first restart at once, then 200ms + 400ms of backoff at least.
        assertThat(elapsedMs).isGreaterThanOrEqualTo(600);
        assertThat(runs(runs)).isEqualTo(4);
    }

    @Test
    void aOneOffCrashAfterAStableRunIsRestartedAtOnceAndAQuickOneWaitsTheDelay() throws IOException {
        Path runs = pm.file("once.runs");
        pm.ok("register", pm.fixture("stable-then-crash.sh").toString(), "--name", "once", "--restart-delay", "3s",
                "--", runs.toString());
        pm.ok("start", "once");
        await("the restart after its stable run", seconds(10), () -> runs(runs) == 2);
        var starts = Files.readAllLines(runs).stream().mapToLong(Long::parseLong).toArray();
        // Up 1.5 s, then at once: the 3 s delay would make this 4.5 s at least.
        assertThat((starts[1] - starts[0]) / 1_000_000).as("ms between the two starts").isLessThan(3000);
        // The second run ends at once: its crash is the second in a row, and waits the 3 s.
        await("the backoff", seconds(5), () -> pm.state("once").equals("backoff"));
        assertThat(pm.status("once").get("reason")).asString().contains("restart 2 in 3000ms");
        Pm.stays("no restart during the delay", Duration.ofMillis(1500), () -> runs(runs) == 2);
        await("the restart after the delay", seconds(10), () -> runs(runs) == 3);
    }
}
