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
        rejected(2, "the name is empty", "register", script, "--name", "");
        rejected(2, "longer than 64", "register", script, "--name", "x".repeat(65));
        rejected(2, "may not contain '/'", "register", script, "--name", "a/b");
        rejected(2, "may not contain '..'", "register", script, "--name", "..");
        rejected(2, "may not contain spaces", "register", script, "--name", "my app");
        rejected(2, "control characters", "register", script, "--name", "bad\u0007name");
    }

    @Test
    void duplicateName() {
        rejected(5, "already registered", "register", script, "--name", "existing");
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
        pm.ok("register", app.toString(), "--name", "cwd", "--cwd", cwd.toString());
        pm.ok("register", gone.toString(), "--name", "gone");
        pm.ok("register", app.toString(), "--name", "noexec", "--type", "binary");
        Files.delete(cwd);
        Files.delete(gone);
        Files.setPosixFilePermissions(app, PosixFilePermissions.fromString("rw-------"));
        try {
            failsToStart("interp", "no-such-interpreter is not on PATH; install it or pass --interpreter");
            failsToStart("cwd", "working directory " + cwd + " does not exist");
            failsToStart("gone", "cannot read " + gone);
            failsToStart("noexec", app + " is not executable");
        } finally {
            for (String name : List.of("interp", "cwd", "gone", "noexec")) pm.ok("unregister", name);
        }
    }

    private static void failsToStart(String name, String why) {
        var r = pm.run("start", name);
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as(r.toString()).contains(name + ": fatal: failed to start: " + why);
        assertThat(pm.status(name).get("reason")).asString().contains(why);
    }

    @Test
    void badValues() {
        rejected(2, "bad --port 'http'", "register", script, "--name", "p1", "--port", "http");
        rejected(2, "bad --port '70000'", "register", script, "--name", "p2", "--port", "70000");
        rejected(2, "unknown restart policy 'sometimes'", "register", script, "--name", "p3", "--restart-policy", "sometimes");
        rejected(2, "unknown signal 'NOPE'", "register", script, "--name", "p4", "--stop-signal", "NOPE");
        rejected(2, "bad --env 'JUSTAKEY'", "register", script, "--name", "p5", "--env", "JUSTAKEY");
        rejected(2, "bad duration '5 parsecs'", "register", script, "--name", "p6", "--kill-timeout", "5 parsecs");
        rejected(2, "unknown type 'cobol'", "register", script, "--name", "p7", "--type", "cobol");
    }

    @Test
    void usageErrors() {
        rejected(2, "unknown command 'strat'; did you mean pm start?", "strat", "existing");
        rejected(2, "unknown flag --forse for pm stop; did you mean --force?", "stop", "existing", "--forse");
        rejected(2, "give a NAME or --all", "start");
        rejected(2, "give a NAME or --all, not both", "stop", "existing", "--all");
        rejected(2, "--name needs a value", "register", script, "--name");
    }

    @Test
    void unknownProcessInEveryCommand() {
        for (var cmd : List.of("start", "stop", "restart", "unregister", "logs", "status")) {
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
