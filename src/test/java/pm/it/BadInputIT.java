package pm.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets one line on stderr naming the problem, a documented exit status, and changes nothing. */
class BadInputIT {
    static Pm pm;
    static String script;

    @BeforeAll
    static void setUp() {
        pm = new Pm();
        script = pm.fixture("sleeper.sh").toString();
        pm.ok("register", script, "--name", "existing");
    }

    @AfterAll
    static void tearDown() {
        pm.close();
    }

    /** Runs a command that must fail with this exit status and a one-line error containing {@code message}. */
    private static void rejected(int code, String message, String... args) {
        String before = pm.ok("list", "--json");
        var r = pm.run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.err().strip()).as(r.toString()).startsWith("pm: ").contains(message);
        assertThat(r.err().strip().lines()).as("one line").hasSize(1);
        assertThat(pm.ok("list", "--json")).as("registry unchanged").isEqualTo(before);
    }

    @Test
    void badNames() {
        rejected(2, "--name is empty", "register", script, "--name", "");
        rejected(2, "longer than 64", "register", script, "--name", "x".repeat(65));
        rejected(2, "may not contain '/'", "register", script, "--name", "a/b");
        rejected(2, "may not contain '..'", "register", script, "--name", "..");
        rejected(2, "may not contain spaces", "register", script, "--name", "my app");
        rejected(2, "control characters", "register", script, "--name", "bad\u0007name");
    }

    @Test
    void duplicateName() {
        rejected(5, "'existing' is already registered with another spec (it differs in port)", "register", script, "--name", "existing",
                "--port", "9");
    }

    @Test
    void missingScript() {
        rejected(2, "script not found", "register", "no/such/app.py", "--name", "ghost");
    }

    /** Checked only once a spawn has failed (they cost more than the spawn); each names what to fix. */
    @Test
    void aStartThatCannotHappenSaysWhy() throws Exception {
        Path dir = Files.createDirectories(pm.file("spawn-failures"));
        Path app = Files.copy(pm.fixture("sleeper.sh"), dir.resolve("app"));
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path gone = Files.copy(app, dir.resolve("gone"));
        pm.ok("register", app.toString(), "--name", "interp", "--interpreter", "no-such-interpreter");
        pm.ok("register", app.toString(), "--name", "nointerp", "--interpreter", "/nonexistent/python");
        pm.ok("register", app.toString(), "--name", "cwd", "--cwd", cwd.toString());
        pm.ok("register", gone.toString(), "--name", "gone");
        pm.ok("register", app.toString(), "--name", "noexec", "--type", "binary");
        Files.delete(cwd);
        Files.delete(gone);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-------"));
        try {
            failsToStart("interp", "no-such-interpreter is not on PATH; install it or pass --interpreter");
            failsToStart("nointerp", "/nonexistent/python does not exist; give an installed interpreter with --interpreter");
            failsToStart("cwd", "working directory " + cwd + " does not exist");
            failsToStart("gone", "cannot read " + gone);
            failsToStart("noexec", app + " is not executable");
        } finally {
            for (String name : List.of("interp", "nointerp", "cwd", "gone", "noexec")) pm.ok("unregister", name);
        }
    }

    /** The daemon says SPAWN_FAILED with the reason; the CLI prints it as one line and exits 1. */
    private static void failsToStart(String name, String why) {
        var r = pm.run("start", name);
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err().strip()).as(r.toString()).startsWith("pm: " + name + ": failed to start: " + why);
        assertThat(r.err().strip().lines()).as("one line").hasSize(1);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(pm.status(name).get("reason")).asString().contains(why);
    }

    @Test
    void badValues() {
        rejected(2, "--port 'http' is not a port: use a number from 1 to 65535", "register", script, "--name", "p1", "--port", "http");
        rejected(2, "--port 70000 is not a port", "register", script, "--name", "p2", "--port", "70000");
        rejected(2, "--restart-policy 'sometimes' is not one of never, on-failure, always, unless-stopped",
                "register", script, "--name", "p3", "--restart-policy", "sometimes");
        rejected(2, "--stop-signal 'NOPE' is not a signal", "register", script, "--name", "p4", "--stop-signal", "NOPE");
        rejected(2, "--env 'JUSTAKEY' is not KEY=VALUE", "register", script, "--name", "p5", "--env", "JUSTAKEY");
        rejected(2, "--kill-timeout '5 parsecs' is not a duration", "register", script, "--name", "p6", "--kill-timeout", "5 parsecs");
        rejected(2, "--type 'cobol' is not one of python, nodejs, shell, java, binary", "register", script, "--name", "p7", "--type", "cobol");
    }

    /** PM2 counts milliseconds and bytes: a bare number would silently mean 50 minutes or 200 bytes here. */
    @Test
    void aDurationOrSizeWithoutItsUnitIsAskedAbout() {
        rejected(2, "pm: --restart-delay 3000 needs a unit: 3000ms or 3000s?", "register", script, "--name", "u1", "--restart-delay", "3000");
        rejected(2, "pm: --max-memory 200 needs a unit: 200K or 200M?", "register", script, "--name", "u2", "--max-memory", "200");
        pm.ok("register", script, "--name", "u3", "--heartbeat-timeout", "0", "--max-log-size", "0", "--restart-delay", "0");
        pm.ok("unregister", "u3");
    }

    @Test
    void everyBadValueIsReportedAtOnceOneLineEach() {
        String before = pm.ok("list", "--json");
        var r = pm.run("register", script, "--name", "m1", "--restart-delay", "3000", "--port", "http", "--log-files", "0");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.toString()).containsExactly(
                "pm: --restart-delay 3000 needs a unit: 3000ms or 3000s?",
                "pm: --port 'http' is not a port: use a number from 1 to 65535",
                "pm: --log-files 0 is not a whole number from 1 to 1000");
        assertThat(pm.ok("list", "--json")).as("registry unchanged").isEqualTo(before);
    }

    @Test
    void usageErrors() {
        rejected(2, "unknown command 'strat'; did you mean pm start?", "strat", "existing");
        rejected(2, "unknown flag --forse for pm stop; did you mean --force?", "stop", "existing", "--forse");
        rejected(2, "give a NAME, an ID or all", "start");
        rejected(2, "give names or all, not both", "stop", "existing", "--all");
        rejected(2, "--name needs a value", "register", script, "--name");
    }

    @Test
    void unknownProcessInEveryCommand() {
        for (var cmd : List.of("start", "stop", "restart", "unregister", "logs", "status", "describe", "update", "flush")) {
            rejected(4, "no process named 'existin'; did you mean 'existing'?", cmd, "existin");
        }
    }

    @Test
    void helpOnEveryCommand() {
        for (var cmd : List.of("register", "unregister", "start", "stop", "restart", "status", "list", "logs", "daemon", "demo")) {
            var r = pm.run(cmd, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).startsWith("Usage: pm " + cmd);
        }
        assertThat(pm.ok("--help")).contains("register").contains("logs");
    }
}
