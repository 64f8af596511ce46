package pm.daemon.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spawns kept ready for an app's next start: real processes, their environment read back from their logs. */
class LauncherTest {
    @TempDir
    Path dir;

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private ProcessSpec spec(Map<String, String> env) throws Exception {
        Path script = dir.resolve("show.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$PM_HEARTBEAT_SECRET $PM_HEARTBEAT_ADDR $PM_HEARTBEAT_INTERVAL $COLOUR\"\necho \"$PM_RUN_ID\" >&2\n");
        script.toFile().setExecutable(true);
        return new ProcessSpec("show", ProcessType.BINARY, script.toString(), List.of(), "", dir.toString(), env, 0, "",
                RestartPolicy.ALWAYS, 10, Duration.ZERO, Signals.SIGTERM, Duration.ofSeconds(5));
    }

    private static String secret(char c) {
        return String.valueOf(c).repeat(Launcher.SECRET_LENGTH);
    }

    /** Starts a run and waits for its exit; returns its exit status. */
    private static int runToEnd(Controller controller, ProcessSpec spec, Launcher.Heartbeat heartbeat, boolean keep) throws Exception {
        var run = controller.spawn(1, spec, heartbeat, keep);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            for (var exit : controller.awaitExits(Duration.ofSeconds(1).toNanos())) {
                if (exit.run() == run) return exit.status().orElseThrow();
            }
        }
        throw new AssertionError("the run did not end within 10 s");
    }

    @Test
    void aKeptSpawnGivesEachRunItsOwnSecretAndFollowsAChangedSpec() throws Exception {
        var home = new Home(dir.resolve("home"));
        home.ensure();
        var controller = new Controller(new Launcher(home, dir.resolve("clients")));
        var red = spec(Map.of("COLOUR", "red"));

        assertThat(runToEnd(controller, red, new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('a')), true)).isZero();
        assertThat(runToEnd(controller, red, new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('b')), true)).isZero();
        // A new spec (as after `restart --env`) and a new heartbeat port are not served by what was kept.
        var blue = red.withEnv(Map.of("COLOUR", "blue"));
        assertThat(runToEnd(controller, blue, new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('c')), true)).isZero();
        assertThat(runToEnd(controller, blue, new Launcher.Heartbeat("127.0.0.1:8", INTERVAL, secret('d')), false)).isZero();
        // Not kept: the next run is set up afresh.
        assertThat(runToEnd(controller, blue, new Launcher.Heartbeat("127.0.0.1:8", INTERVAL, secret('e')), true)).isZero();
        controller.forget(1, 0);
        assertThat(runToEnd(controller, blue, new Launcher.Heartbeat("127.0.0.1:8", INTERVAL, secret('f')), false)).isZero();

        assertThat(Files.readAllLines(home.outLog("show"))).containsExactly(
                secret('a') + " 127.0.0.1:7 10 red",
                secret('b') + " 127.0.0.1:7 10 red",
                secret('c') + " 127.0.0.1:7 10 blue",
                secret('d') + " 127.0.0.1:8 10 blue",
                secret('e') + " 127.0.0.1:8 10 blue",
                secret('f') + " 127.0.0.1:8 10 blue");
        // Each run has a mark of its own, a kept spawn too, that names the app and the home (RunMark).
        var marks = Files.readAllLines(home.errLog("show"));
        String where = java.util.regex.Pattern.quote(home.dir().toRealPath().toString());
        assertThat(marks).hasSize(6).doesNotHaveDuplicates().allMatch(m -> m.matches("[0-9a-f]{16}:1:0:" + where));
        assertThat(marks).isSorted();
    }

    @Test
    void aCopysMarkNamesItsCopyOnAKeptSpawnTooAndEachCopyKeepsItsOwn() throws Exception {
        var home = new Home(dir.resolve("home"));
        home.ensure();
        var controller = new Controller(new Launcher(home, dir.resolve("clients")));
        var app = spec(Map.of()).withCopies(new pm.core.Copies(3, List.of(), Duration.ZERO));
        var heartbeat = new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('a'));
        // Copies 2 and 0 in turn, each kept ready: one copy's kept spawn is not another's.
        for (int i = 0; i < 2; i++) {
            assertThat(runToEnd(controller, app.copy(2), heartbeat, true)).isZero();
            assertThat(runToEnd(controller, app.copy(0), heartbeat, true)).isZero();
        }
        String where = java.util.regex.Pattern.quote(home.dir().toRealPath().toString());
        assertThat(Files.readAllLines(home.errLog("show:2"))).hasSize(2).doesNotHaveDuplicates()
                .allMatch(m -> m.matches("[0-9a-f]{16}:1:2:" + where));
        assertThat(Files.readAllLines(home.errLog("show"))).hasSize(2).allMatch(m -> m.matches("[0-9a-f]{16}:1:0:" + where));
    }

    @Test
    void aSpawnThatFailsAfterItWasKeptSaysWhyAndIsNotKept() throws Exception {
        var home = new Home(dir.resolve("home"));
        home.ensure();
        var controller = new Controller(new Launcher(home, dir.resolve("clients")));
        var spec = spec(Map.of());
        var heartbeat = new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('a'));
        assertThat(runToEnd(controller, spec, heartbeat, true)).isZero();

        Path.of(spec.script()).toFile().setExecutable(false);
        assertThatThrownBy(() -> controller.spawn(1, spec, heartbeat, true))
                .isInstanceOf(Launcher.SpawnFailure.class)
                .hasMessageContaining("is not executable");
        Path.of(spec.script()).toFile().setExecutable(true);
        assertThat(runToEnd(controller, spec, heartbeat, true)).isZero();
        assertThat(Files.readAllLines(home.outLog("show"))).hasSize(2);
    }

    @Test
    void anInterpreterWithArgumentsRunsAsItsWordsTheProgramFirst() throws Exception {
        var home = new Home(dir.resolve("home"));
        home.ensure();
        var controller = new Controller(new Launcher(home, dir.resolve("clients")));
        var plain = spec(Map.of());
        var spec = new ProcessSpec("show", ProcessType.BINARY, plain.script(), List.of(), "env  COLOUR=green  ", dir.toString(),
                Map.of(), 0, "", RestartPolicy.NEVER, 0, Duration.ZERO, Signals.SIGTERM, Duration.ofSeconds(5));
        assertThat(Launcher.commandFor(spec)).containsExactly("env", "COLOUR=green", plain.script());
        assertThat(runToEnd(controller, spec, new Launcher.Heartbeat("127.0.0.1:7", INTERVAL, secret('a')), false)).isZero();
        assertThat(Files.readAllLines(home.outLog("show"))).containsExactly(secret('a') + " 127.0.0.1:7 10 green");

        var python = new ProcessSpec("py", ProcessType.PYTHON, "/srv/app.py", List.of("a"), "python3 -X dev", "/srv", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, Signals.SIGTERM, Duration.ZERO);
        assertThat(Launcher.commandFor(python)).containsExactly("python3", "-X", "dev", "-u", "/srv/app.py", "a");
        assertThat(Launcher.commandFor(new ProcessSpec("j", ProcessType.JAVA, "/srv/a.jar", List.of(), "", "/srv", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, Signals.SIGTERM, Duration.ZERO))).containsExactly("java", "-jar", "/srv/a.jar");
    }
}
