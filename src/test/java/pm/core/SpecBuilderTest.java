package pm.core;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Building a spec from flags and from file keys: every field's reading, its errors, their paths. */
class SpecBuilderTest {
    @TempDir
    Path dir;
    Path script;
    SpecBuilder.Context context;

    static final SpecBuilder.Naming FLAGS = SpecBuilder.Naming.flags();
    static final SpecBuilder.Naming FILE = SpecBuilder.Naming.keys("apps.web");

    @BeforeEach
    void setUp() throws IOException {
        script = Files.writeString(dir.resolve("app.py"), "print(1)\n");
        context = new SpecBuilder.Context(dir, Map.of("PATH", "/usr/bin:/bin"));
    }

    /** Raw values from pairs: name, value, name, value ... */
    static Map<String, Object> raw(Object... pairs) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    ProcessSpec flags(Object... pairs) {
        var m = raw(pairs);
        m.putIfAbsent("script", "app.py");
        return SpecBuilder.build(m, FLAGS, context).orThrow();
    }

    ProcessSpec file(Object... pairs) {
        var m = raw(pairs);
        m.putIfAbsent("script", "app.py");
        return SpecBuilder.build(m, FILE, context).orThrow();
    }

    /** The error lines of building these raw values, as a user sees them. */
    List<String> errors(SpecBuilder.Naming naming, Object... pairs) {
        var m = raw(pairs);
        m.putIfAbsent("script", "app.py");
        var built = SpecBuilder.build(m, naming, context);
        assertThat(built).isInstanceOf(SpecBuilder.Built.Invalid.class);
        return ((SpecBuilder.Built.Invalid) built).errors().stream().map(SpecBuilder.FieldError::toString).toList();
    }

    // ---- what is worked out ----

    @Test
    void aScriptAloneGetsEveryDefaultAndItsNameTypeAndFolderWorkedOut() {
        var s = flags();
        assertThat(s.name()).isEqualTo("app");
        assertThat(s.type()).isEqualTo(ProcessType.PYTHON);
        assertThat(s.script()).isEqualTo(script.toString());
        assertThat(s.cwd()).isEqualTo(dir.toString());
        for (var f : Field.values()) {
            if (f.defaultValue() != null && f != Field.SCRIPT) assertThat(f.valueIn(s)).as(f.key()).isEqualTo(f.defaultValue());
        }
    }

    @Test
    void theScriptAndTheFolderResolveFromTheContextsBase() throws IOException {
        Files.createDirectories(dir.resolve("sub/work"));
        Files.writeString(dir.resolve("sub/tool.sh"), "echo\n");
        var s = flags("script", "sub/tool.sh", "cwd", "sub/work");
        assertThat(s.script()).isEqualTo(dir.resolve("sub/tool.sh").toString());
        assertThat(s.cwd()).isEqualTo(dir.resolve("sub/work").toString());
        assertThat(s.type()).isEqualTo(ProcessType.SHELL);
        assertThat(s.name()).isEqualTo("tool");
        assertThat(flags("script", "sh").script()).isIn("/usr/bin/sh", "/bin/sh");
    }

    @Test
    void everyFieldReadsFromFlags() {
        var s = flags("name", "web", "type", "node", "interpreter", "  node   --max-old-space-size=64 ", "port", "8080",
                "health-check", "/health", "health-interval", "5s", "health-timeout", "500ms", "health-retries", "5",
                "health-start-period", "0", "heartbeat-timeout", "0", "max-memory", "200M", "max-log-size", "0",
                "log-files", "3", "restart-policy", "always", "max-restarts", "0", "restart-delay", "2m",
                "env", List.of("A=1", "B=x=y", "A=2"), "stop-signal", "INT", "kill-timeout", "1h", "args", List.of("--verbose", "a b"));
        assertThat(s.name()).isEqualTo("web");
        assertThat(s.type()).isEqualTo(ProcessType.NODEJS);
        assertThat(s.interpreter()).isEqualTo("node --max-old-space-size=64");
        assertThat(s.interpreterWords()).containsExactly("node", "--max-old-space-size=64");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.probe().orElseThrow().describe()).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(s.health()).isEqualTo(new HealthSettings(Duration.ofSeconds(5), Duration.ofMillis(500), 5, Duration.ZERO));
        assertThat(s.heartbeatTimeout()).isZero();
        assertThat(s.maxMemory()).isEqualTo(200L << 20);
        assertThat(s.logs()).isEqualTo(new LogSettings(0, 3));
        assertThat(s.restartPolicy()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(s.maxRestarts()).isZero();
        assertThat(s.restartDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.env()).isEqualTo(Map.of("A", "2", "B", "x=y"));
        assertThat(s.stopSignal()).isEqualTo(2);
        assertThat(s.killTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(s.args()).containsExactly("--verbose", "a b");
    }

    @Test
    void everyFieldReadsFromAFileAsYamlOrJsonGivesIt() {
        var env = new LinkedHashMap<String, Object>();
        env.put("PORT_HINT", 8080L);
        env.put("DEBUG", true);
        env.put("NAME", "x y");
        var s = file("name", "web", "type", "python", "port", 8080L, "health_check", "tcp://127.0.0.1:8080",
                "health_retries", 2, "max_memory", "1G", "log_files", 1000L, "restart_policy", "unless-stopped",
                "restart_delay", 0L, "env", env, "stop_signal", 9L, "args", List.of("--port", 8080L, true), "heartbeat_timeout", "1.5s");
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.health().retries()).isEqualTo(2);
        assertThat(s.maxMemory()).isEqualTo(1L << 30);
        assertThat(s.logs().keep()).isEqualTo(1000);
        assertThat(s.restartDelay()).isZero();
        assertThat(s.env()).isEqualTo(Map.of("PORT_HINT", "8080", "DEBUG", "true", "NAME", "x y"));
        assertThat(s.stopSignal()).isEqualTo(9);
        assertThat(s.args()).containsExactly("--port", "8080", "true");
        assertThat(s.heartbeatTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(file("env", List.of("A=1", "B=")).env()).isEqualTo(Map.of("A", "1", "B", ""));
    }

    @Test
    void aNullValueCountsAsNotGiven() {
        assertThat(file("port", null, "restart_delay", null).restartDelay()).isEqualTo(ProcessSpec.DEFAULT_RESTART_DELAY);
    }

    // ---- units ----

    @Test
    void aDurationOrSizeWithoutItsUnitIsRefusedWithBothReadings() {
        assertThat(errors(FLAGS, "restart-delay", "3000")).containsExactly("--restart-delay 3000 needs a unit: 3000ms or 3000s?");
        assertThat(errors(FLAGS, "max-memory", "200")).containsExactly("--max-memory 200 needs a unit: 200K or 200M?");
        assertThat(errors(FILE, "restart_delay", 3000L)).containsExactly("apps.web.restart_delay: 3000 needs a unit: 3000ms or 3000s?");
        assertThat(errors(FILE, "kill_timeout", 1.5)).containsExactly("apps.web.kill_timeout: 1.5 needs a unit: 1.5ms or 1.5s?");
        assertThat(errors(FILE, "max_log_size", 200L)).containsExactly("apps.web.max_log_size: 200 needs a unit: 200K or 200M?");
    }

    @Test
    void zeroAloneIsAllowedItReadsTheSameInEveryUnit() {
        var s = flags("heartbeat-timeout", "0", "max-log-size", "0", "max-memory", "0", "restart-delay", "0", "kill-timeout", "0");
        assertThat(s.heartbeatTimeout()).isZero();
        assertThat(s.logs().maxSize()).isZero();
        assertThat(s.restartDelay()).isZero();
        assertThat(file("heartbeat_timeout", 0L, "max_log_size", 0L).heartbeatTimeout()).isZero();
    }

    // ---- errors ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port                | http      | --port 'http' is not a port: use a number from 1 to 65535",
        "port                | 0         | --port 0 is not a port: use a number from 1 to 65535",
        "port                | 70000     | --port 70000 is not a port: use a number from 1 to 65535",
        "max-restarts        | ten       | --max-restarts 'ten' is not a whole number of 0 or more",
        "max-restarts        | -1        | --max-restarts -1 is not a whole number of 0 or more",
        "health-retries      | 0         | --health-retries 0 is not a whole number of 1 or more",
        "log-files           | 1001      | --log-files 1001 is not a whole number from 1 to 1000",
        "restart-policy      | sometimes | --restart-policy 'sometimes' is not one of never, on-failure, always, unless-stopped",
        "restart-policy      | on_failure| --restart-policy 'on_failure' is not one of never, on-failure, always, unless-stopped; did you mean on-failure?",
        "type                | cobol     | --type 'cobol' is not one of python, nodejs, shell, java, binary",
        "stop-signal         | NOPE      | --stop-signal 'NOPE' is not a signal: use a name such as TERM, INT, QUIT, HUP or KILL, or a number from 1 to 31",
        "kill-timeout        | 5 parsecs | --kill-timeout '5 parsecs' is not a duration: write it like 500ms, 5s, 2m or 1h",
        "health-interval     | 5ms       | --health-interval 5ms is too short: use at least 10ms",
        "health-timeout      | 0         | --health-timeout 0 is too short: use at least 1ms",
        "restart-delay       | 1000h     | --restart-delay 1000h is too long: use at most 576h",
        "max-log-size        | 4K        | --max-log-size 4K is too small: use at least 8K, or 0 to turn it off",
        "max-memory          | 10X       | --max-memory '10X' is not a size: write it like 512K, 10M or 1G",
        "env                 | JUSTAKEY  | --env 'JUSTAKEY' is not KEY=VALUE: write it like DEBUG=true",
        "env                 | =x        | --env '=x' is not KEY=VALUE: write it like DEBUG=true",
        "health-check        | health    | --health-check 'health' is not a health check: give a path such as /health, an http:// URL, tcp://HOST:PORT or cmd:COMMAND",
        "health-check        | /health   | --health-check '/health' needs --port, or give a full URL",
        "health-check        | cmd:      | --health-check 'cmd:' needs a command, such as cmd:pg_isready",
        "name                | a/b       | --name 'a/b' may not contain '/': use letters, digits, '-', '_', '.' and '@'",
        "name                | ..        | --name '..' may not contain '..'",
    })
    void eachBadFlagSaysWhatIsAllowed(String flag, String value, String error) {
        Object raw = flag.equals("env") ? List.of(value) : value;
        assertThat(errors(FLAGS, flag, raw)).containsExactly(error);
    }

    @Test
    void theFileFormNamesTheKeyPath() {
        assertThat(errors(FILE, "restart_policy", "sometimes"))
                .containsExactly("apps.web.restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped");
        assertThat(errors(FILE, "health_check", "/health")).containsExactly("apps.web.health_check: '/health' needs port, or give a full URL");
        assertThat(errors(FILE, "port", "80x")).containsExactly("apps.web.port: '80x' is not a port: use a number from 1 to 65535");
        assertThat(errors(FILE, "log_files", 2.5)).containsExactly("apps.web.log_files: 2.5 is not a whole number from 1 to 1000");
    }

    @Test
    void aValueOfTheWrongShapeSaysWhatWasExpected() {
        assertThat(errors(FILE, "restart_delay", List.of("1s"), "port", Map.of("a", 1), "args", "--verbose",
                "env", "A=1", "name", List.of("x"), "restart_policy", 3L)).containsExactly(
                "apps.web.restart_delay: expected a duration such as 5s, got a list",
                "apps.web.port: expected a whole number, got a map",
                "apps.web.args: expected a list such as [a, b], got '--verbose'",
                "apps.web.env: expected a map of names to values, got 'A=1'",
                "apps.web.name: expected a string, got a list",
                "apps.web.restart_policy: expected one of never, on-failure, always, unless-stopped, got the number 3");
        assertThat(errors(FILE, "args", Arrays.asList("a", null, List.of()))).containsExactly(
                "apps.web.args[1]: expected a string, got null", "apps.web.args[2]: expected a string, got a list");
    }

    @Test
    void anEnvValueOfNullIsRefusedNotStoredAsText() {
        var env = new HashMap<String, Object>();
        env.put("A", null);
        assertThat(errors(FILE, "env", env)).containsExactly("apps.web.env.A: null is not a value: write \"\" for an empty one");
        assertThat(errors(FILE, "env", Map.of("A=B", "1"))).containsExactly(
                "apps.web.env.A=B: 'A=B' is not a variable name: it may not be empty or hold '=' or NUL");
        assertThat(errors(FILE, "env", Map.of("A", "x\0y"))).containsExactly("apps.web.env.A: A holds a NUL character");
    }

    @Test
    void everyErrorIsReportedAtOnceInTheOrderWritten() {
        assertThat(errors(FILE, "restart_policy", "sometimes", "port", 0L, "helth_check", "/up", "max_memory", 200L,
                "kill_timeout", "forever")).containsExactly(
                "apps.web.restart_policy: 'sometimes' is not one of never, on-failure, always, unless-stopped",
                "apps.web.port: 0 is not a port: use a number from 1 to 65535",
                "apps.web.helth_check: unknown key; did you mean health_check?",
                "apps.web.max_memory: 200 needs a unit: 200K or 200M?",
                "apps.web.kill_timeout: 'forever' is not a duration: write it like 500ms, 5s, 2m or 1h");
        assertThatThrownBy(() -> SpecBuilder.build(raw("script", "app.py", "port", "x", "log-files", "0"), FLAGS, context).orThrow())
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage("--port 'x' is not a port: use a number from 1 to 65535\n--log-files 0 is not a whole number from 1 to 1000");
    }

    @Test
    void anUnknownKeyGetsADidYouMeanAndKeysTheCallerReadsAreSkipped() {
        assertThat(errors(FILE, "restart-policy", "always")).containsExactly("apps.web.restart-policy: unknown key; did you mean restart_policy?");
        assertThat(errors(FILE, "colour", "blue")).containsExactly("apps.web.colour: unknown key");
        assertThat(errors(FLAGS, "helth-check", "/up")).containsExactly("unknown flag --helth-check; did you mean --health-check?");
        var apply = SpecBuilder.Naming.keys("apps.web").alsoKnowing(Set.of("depends_on", "autostart"));
        assertThat(SpecBuilder.build(raw("script", "app.py", "depends_on", List.of("db")), apply, context))
                .isInstanceOf(SpecBuilder.Built.Valid.class);
        assertThat(errors(apply, "depends_ob", List.of("db"))).containsExactly("apps.web.depends_ob: unknown key; did you mean depends_on?");
    }

    @Test
    void theScriptTheFolderAndTheTypeAreCheckedWhereTheyAre() throws IOException {
        Files.writeString(dir.resolve("notes"), "hello\n");
        assertThat(errors(FLAGS, "script", "missing.py")).containsExactly(
                "script not found: " + dir.resolve("missing.py") + " (check the path, it is relative to " + dir + ")");
        assertThat(errors(FILE, "script", "missing.py")).containsExactly(
                "apps.web.script: script not found: " + dir.resolve("missing.py") + " (check the path, it is relative to " + dir + ")");
        assertThat(errors(FLAGS, "script", "notes")).containsExactly(
                "cannot tell what kind of program " + dir.resolve("notes") + " is: pass --type python, nodejs, shell, java, binary");
        assertThat(errors(FILE, "script", "notes")).containsExactly(
                "apps.web.type: cannot tell what kind of program " + dir.resolve("notes") + " is: set type to python, nodejs, shell, java, binary");
        assertThat(flags("script", "notes", "type", "binary").type()).isEqualTo(ProcessType.BINARY);
        assertThat(errors(FLAGS, "cwd", "nowhere")).containsExactly("--cwd " + dir.resolve("nowhere") + " is not a directory");
        assertThat(SpecBuilder.build(raw("name", "x"), FILE, context)).isEqualTo(
                new SpecBuilder.Built.Invalid(List.of(new SpecBuilder.FieldError("apps.web", "missing script: give the program to run"))));
    }

    @Test
    void anInterpreterImpliesNoType() {
        var s = flags("interpreter", "node --inspect");
        assertThat(s.type()).isEqualTo(ProcessType.PYTHON);
        assertThat(s.interpreterWords()).containsExactly("node", "--inspect");
        assertThat(errors(FLAGS, "interpreter", "x\0y")).containsExactly("--interpreter holds a NUL character");
    }

    // ---- changing a spec ----

    @Test
    void aChangeKeepsWhatIsNotGiven() throws IOException {
        var base = flags("name", "web", "port", "8080", "env", List.of("A=1"), "restart-delay", "1s");
        var changed = SpecBuilder.change(base, raw("restart-delay", "2s", "env", List.of("B=2")), FLAGS, context).orThrow();
        assertThat(changed.name()).isEqualTo("web");
        assertThat(changed.port()).isEqualTo(8080);
        assertThat(changed.restartDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(changed.env()).isEqualTo(Map.of("B", "2"));
        assertThat(SpecBuilder.change(base, Map.of(), FLAGS, context).orThrow()).isEqualTo(base);
        Files.writeString(dir.resolve("other.js"), "1\n");
        var moved = SpecBuilder.change(base, raw("script", "other.js"), FLAGS, context).orThrow();
        assertThat(moved.type()).as("inferred again").isEqualTo(ProcessType.NODEJS);
        assertThat(moved.name()).as("kept").isEqualTo("web");
        assertThat(SpecBuilder.change(base, raw("port", "x"), FLAGS, context)).isInstanceOf(SpecBuilder.Built.Invalid.class);
    }

    @Test
    void aNewAppMayNotBeCalledAllOrDigitsAloneWhichReadAsEveryAppAndAnId() throws IOException {
        assertThat(errors(FLAGS, "name", "all")).containsExactly("--name 'all' is reserved: it stands for every app; pick another name");
        assertThat(errors(FLAGS, "name", "42")).containsExactly(
                "--name '42' is all digits, which pm reads as an app's id; add a letter, such as app-42");
        Files.writeString(dir.resolve("2024.sh"), "#!/bin/sh\n");
        assertThat(errors(FLAGS, "script", "2024.sh")).as("the name taken from the file").hasSize(1).first().asString().contains("'2024'");
        assertThat(flags("name", "all-2", "port", "1").name()).isEqualTo("all-2");
        assertThat(flags("name", "4ever").name()).isEqualTo("4ever");
    }

    @Test
    void anAppThatHasSuchANameFromBeforeKeepsItThroughAChange() {
        var legacy = new ProcessSpec("42", ProcessType.PYTHON, script.toString(), List.of(), "", dir.toString(), Map.of(), 0, "",
                RestartPolicy.ON_FAILURE, 10, Duration.ofMillis(100), 15, Duration.ofSeconds(10));
        var changed = SpecBuilder.change(legacy, raw("restart-delay", "2s"), FLAGS, context).orThrow();
        assertThat(changed.name()).isEqualTo("42");
        assertThat(SpecBuilder.change(legacy, raw("name", "all"), FLAGS, context)).isInstanceOf(SpecBuilder.Built.Invalid.class);
    }

    // ---- the table ----

    @Test
    void everyFieldHasItsKeyAndAllButThePositionalOnesAFlag() {
        var keys = new ArrayList<String>();
        for (var f : Field.values()) {
            keys.add(f.key());
            assertThat(f.key()).matches("[a-z_]+");
            // A repeatable flag is singular (--socket A --socket B), its key a list (sockets: [A, B]).
            assertThat(f.flag()).isEqualTo(f == Field.SCRIPT || f == Field.ARGS ? "" : f == Field.SOCKETS ? "socket" : f.key().replace('_', '-'));
            assertThat(f.help()).isNotBlank();
            if (!f.flag().isEmpty()) assertThat(Field.byFlag(f.flag())).isEqualTo(f);
            assertThat(Field.byKey(f.key())).isEqualTo(f);
        }
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(Field.RESTART_DELAY.help()).isEqualTo("delay before a restart from the 2nd quick crash in a row, doubled each time up to 30s (default 100ms)");
        assertThat(Field.RESTART_POLICY.help()).isEqualTo("never, on-failure, always, unless-stopped (default on-failure)");
    }

    @Test
    void aBoolReadsTrueOrFalse() {
        var seen = new ArrayList<String>();
        assertThat(Values.bool(true, "autostart", (p, m) -> seen.add(m))).isTrue();
        assertThat(Values.bool(" False ", "autostart", (p, m) -> seen.add(m))).isFalse();
        assertThat(Values.bool("yes", "autostart", (p, m) -> seen.add(p + ": " + m))).isNull();
        assertThat(seen).containsExactly("autostart: 'yes' is not true or false");
    }
}
