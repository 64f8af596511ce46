package pm.core;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Writing a spec back as file keys (pm export) and comparing two specs (pm update, pm apply). */
class SpecFileTest {
    @TempDir
    Path dir;
    SpecBuilder.Context here;
    /** Somewhere else entirely: what is written must not depend on where it is read. */
    SpecBuilder.Context elsewhere;
    ProcessSpec base;

    /** For every field, a value other than the one {@link #base} has, as a file would give it. */
    static final Map<Field, Object> OTHER = new EnumMap<>(Field.class);

    static {
        OTHER.put(Field.SCRIPT, "other.py");
        OTHER.put(Field.ARGS, List.of("--x", "a b"));
        OTHER.put(Field.NAME, "api");
        OTHER.put(Field.TYPE, "nodejs");
        OTHER.put(Field.INTERPRETER, "node --max-old-space-size=64");
        OTHER.put(Field.PORT, 8081L);
        OTHER.put(Field.HEALTH_CHECK, "tcp://127.0.0.1:9");
        OTHER.put(Field.HEALTH_INTERVAL, "250ms");
        OTHER.put(Field.HEALTH_TIMEOUT, "2s");
        OTHER.put(Field.HEALTH_RETRIES, 7L);
        OTHER.put(Field.HEALTH_START_PERIOD, "0");
        OTHER.put(Field.HEARTBEAT_TIMEOUT, "90m");
        OTHER.put(Field.MAX_MEMORY, "200M");
        OTHER.put(Field.MAX_LOG_SIZE, "1536K");
        OTHER.put(Field.LOG_FILES, 4L);
        OTHER.put(Field.RESTART_POLICY, "always");
        OTHER.put(Field.MAX_RESTARTS, 0L);
        OTHER.put(Field.RESTART_DELAY, "1500ms");
        OTHER.put(Field.ENV, Map.of("B", "2", "A", "x y"));
        OTHER.put(Field.CWD, "sub");
        OTHER.put(Field.STOP_SIGNAL, "INT");
        OTHER.put(Field.KILL_TIMEOUT, "1h");
        OTHER.put(Field.DEPENDS_ON, Map.of("db", "healthy", "cache", "started"));
        OTHER.put(Field.INSTANCES, 3L);
        OTHER.put(Field.SOCKETS, List.of("tcp://127.0.0.1:8089", "unix:/run/web.sock"));
        OTHER.put(Field.READY_AFTER, "5s");
    }

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("app.py"), "print(1)\n");
        Files.writeString(dir.resolve("other.py"), "print(2)\n");
        Files.createDirectories(dir.resolve("sub"));
        here = new SpecBuilder.Context(dir, Map.of());
        elsewhere = new SpecBuilder.Context(Files.createDirectories(dir.resolve("elsewhere")), Map.of());
        base = build(Map.of("script", "app.py", "name", "web"), here);
    }

    static ProcessSpec build(Map<String, ?> keys, SpecBuilder.Context context) {
        return SpecBuilder.build(keys, SpecBuilder.Naming.keys(""), context).orThrow();
    }

    ProcessSpec with(Field f) {
        var keys = new LinkedHashMap<String, Object>(Map.of("script", "app.py", "name", "web"));
        keys.put(f.key(), OTHER.get(f));
        return build(keys, here);
    }

    @Test
    void everyFieldIsCoveredHere() {
        assertThat(OTHER.keySet()).containsExactlyInAnyOrder(Field.values());
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void aChangeToOneFieldIsThatFieldAloneAndSaysWhetherItNeedsARestart(Field f) {
        var changed = with(f);
        var diff = SpecDiff.between(base, changed);
        assertThat(diff.changed()).containsExactly(f);
        assertThat(diff.keys()).containsExactly(f.key());
        assertThat(diff.needsRestart()).isEqualTo(f.mattersAtSpawn());
        assertThat(SpecDiff.between(changed, changed).isEmpty()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Field.class)
    void everyFieldWrittenAsKeysReadsBackToAnEqualSpec(Field f) {
        var spec = with(f);
        var keys = SpecFile.toKeys(spec);
        assertThat(keys).containsKey(f.key());
        assertThat(build(keys, elsewhere)).isEqualTo(spec);
        // As JSON (or YAML) would carry it: whole numbers come back as Long.
        assertThat(build(Json.parseObject(Json.write(keys)), elsewhere)).isEqualTo(spec);
    }

    @Test
    void aSpecWithEveryFieldChangedRoundTripsInHumanUnits() {
        var keys = new LinkedHashMap<String, Object>();
        OTHER.forEach((f, v) -> keys.put(f.key(), v));
        var spec = build(keys, here);
        var written = SpecFile.toKeys(spec);
        assertThat(written).containsExactly(
                Map.entry("script", dir.resolve("other.py").toString()),
                Map.entry("args", List.of("--x", "a b")),
                Map.entry("name", "api"),
                Map.entry("type", "nodejs"),
                Map.entry("interpreter", "node --max-old-space-size=64"),
                Map.entry("port", 8081),
                Map.entry("health_check", "tcp://127.0.0.1:9"),
                Map.entry("health_interval", "250ms"),
                Map.entry("health_timeout", "2s"),
                Map.entry("health_retries", 7),
                Map.entry("health_start_period", "0s"),
                Map.entry("heartbeat_timeout", "90m"),
                Map.entry("max_memory", "200M"),
                Map.entry("max_log_size", "1536K"),
                Map.entry("log_files", 4),
                Map.entry("restart_policy", "always"),
                Map.entry("max_restarts", 0),
                Map.entry("restart_delay", "1500ms"),
                Map.entry("env", Map.of("A", "x y", "B", "2")),
                Map.entry("cwd", dir.resolve("sub").toString()),
                Map.entry("stop_signal", "SIGINT"),
                Map.entry("kill_timeout", "1h"),
                Map.entry("depends_on", Map.of("cache", "started", "db", "healthy")),
                Map.entry("instances", 3),
                Map.entry("sockets", List.of("tcp://127.0.0.1:8089", "unix:/run/web.sock")),
                Map.entry("ready_after", "5s"));
        assertThat(Json.write(written.get("env"))).as("sorted").isEqualTo("{\"A\":\"x y\",\"B\":\"2\"}");
        assertThat(build(written, elsewhere)).isEqualTo(spec);
        assertThat(SpecDiff.between(base, spec).changed()).containsExactly(Field.values());
    }

    @Test
    void dependenciesThatOnlyWaitForAStartAreWrittenAsAListOfNames() {
        var keys = new LinkedHashMap<String, Object>(Map.of("script", "app.py", "name", "web"));
        keys.put("depends_on", List.of("db", "cache"));
        var spec = build(keys, here);
        assertThat(spec.dependsOn()).containsOnly(Map.entry("db", Condition.STARTED), Map.entry("cache", Condition.STARTED));
        assertThat(SpecFile.toKeys(spec).get("depends_on")).isEqualTo(List.of("cache", "db"));
        assertThat(build(SpecFile.toKeys(spec), elsewhere)).isEqualTo(spec);
    }

    @Test
    void aSpecOfDefaultsWritesOnlyWhatIsNeverWorkedOutAgain() {
        assertThat(SpecFile.toKeys(base)).containsExactly(Map.entry("script", dir.resolve("app.py").toString()),
                Map.entry("name", "web"), Map.entry("type", "python"), Map.entry("cwd", dir.toString()));
    }

    @Test
    void settingsThatApplyToARunningAppNeedNoRestart() {
        var tuned = build(Map.of("script", "app.py", "name", "web", "restart_delay", "1s", "max_memory", "1G",
                "health_check", "cmd:true"), here);
        var diff = SpecDiff.between(base, tuned);
        assertThat(diff.keys()).containsExactly("health_check", "max_memory", "restart_delay");
        assertThat(diff.needsRestart()).isFalse();
        var moved = build(Map.of("script", "app.py", "name", "web", "restart_delay", "1s", "env", Map.of("A", "1")), here);
        assertThat(SpecDiff.between(base, moved).needsRestart()).isTrue();
    }
}
