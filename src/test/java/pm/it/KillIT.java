package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pm kill}: every app stopped, and kept stopped, then the daemon gone; with a daemon running or not. */
class KillIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    @Test
    void pmKillStopsTheAppsAndTheyStayStoppedUntilStartedAgain() {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "up");
        pm.ok("register", sleeper, "--name", "down");
        pm.ok("start", "up");
        long before = pm.pid("up");
        assertThat(pm.ok("kill")).contains("stopped 1 app(s) and the daemon");
        assertThat(Pm.alive(before)).isFalse();
        // The next command starts a daemon, which starts nothing: pm kill recorded every app as stopped.
        assertThat(pm.state("up")).isEqualTo("stopped");
        assertThat(pm.status("up").get("desired")).isEqualTo("stopped");
        assertThat(pm.state("down")).isEqualTo("stopped");
        pm.ok("start", "up");
        assertThat(pm.state("up")).isEqualTo("running");
    }

    @Test
    void pmKillWithNoDaemonRunningAdoptsTheAppsAndStopsThem() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        pm.ok("start", "app");
        long pid = pm.pid("app");
        pm.ok("daemon", "stop");
        assertThat(Pm.alive(pid)).isTrue();
        assertThat(pm.ok("kill")).contains("stopped 1 app(s) and the daemon");
        assertThat(Pm.alive(pid)).isFalse();
        assertThat(pm.run("daemon", "status").code()).isEqualTo(3);
        // Nothing left to stop: no daemon is started for nothing.
        assertThat(pm.ok("kill")).contains("daemon is not running");
        assertThat(pm.run("daemon", "status").code()).isEqualTo(3);
        assertThat(pm.state("app")).isEqualTo("stopped");
    }

    @Test
    void pmKillAlsoStopsAnAppWaitingToRestart() throws IOException {
        Path runs = pm.file("crashy.runs");
        pm.ok("register", pm.fixture("exit-with.sh").toString(), "--name", "crashy", "--restart-policy", "unless-stopped",
                "--restart-delay", "300ms", "--", "1", "0", runs.toString());
        pm.ok("register", pm.fixture("stubborn.sh").toString(), "--name", "slow", "--kill-timeout", "1500ms");
        pm.ok("start", "--all");
        Pm.await("a few crashes", Pm.seconds(10), () -> lines(runs) >= 2);
        pm.ok("kill");
        long after = lines(runs);
        Pm.stays("no restart after pm kill", java.time.Duration.ofSeconds(2), () -> lines(runs) == after);
        assertThat(pm.run("daemon", "status").code()).isEqualTo(3); // and the daemon is gone
    }

    @Test
    void pmKillAndDaemonStopReturnOnlyOnceTheDaemonProcessIsGone() throws IOException {
        // A few times: the daemon's JVM outlived its answer by a few ms, so one try could miss it.
        for (int i = 0; i < 3; i++) {
            pm.ok("daemon", "start");
            long daemon = daemonPid();
            if (i % 2 == 0) pm.ok("kill");
            else pm.ok("daemon", "stop");
            assertThat(Pm.alive(daemon)).as("daemon %d after try %d", daemon, i).isFalse();
        }
    }

    @Test
    void pmKillWithNoDaemonRunningStopsWhatADaemonKilledWithoutItsPidFileLeft() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        pm.ok("start", "app");
        long app = pm.pid("app");
        long daemon = daemonPid();
        // As on a full disk: neither the pid file nor a run file naming the run could be written.
        Files.delete(pm.home.resolve("daemon.pid"));
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Pm.await("the daemon gone", Pm.seconds(5), () -> !Pm.alive(daemon));
        Files.writeString(pm.home.resolve("runs.json"), "{\"format\":1,\"runs\":{}}\n");
        assertThat(pm.ok("kill")).contains("stopped 1 app(s) and the daemon");
        assertThat(Pm.alive(app)).isFalse();
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
