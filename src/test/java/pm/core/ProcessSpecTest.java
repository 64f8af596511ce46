package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

class ProcessSpecTest {

    static ProcessSpec spec(String name, int port, String healthCheck, Map<String, String> env) {
        return new ProcessSpec(name, ProcessType.PYTHON, "/srv/app.py", List.of("--verbose", "a b"), "", "/tmp",
                env, port, healthCheck, RestartPolicy.ON_FAILURE, 5, Duration.ofMillis(250), Signals.SIGTERM,
                Duration.ofSeconds(3));
    }

    static ProcessSpec named(String name) {
        return spec(name, 0, "", Map.of());
    }

    private static void assertInvalid(Runnable r, String... fragments) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .message().contains(fragments);
    }

    @Test
    void validSpecKeepsItsValuesAndNormalisesNulls() {
        var s = new ProcessSpec("web-1", ProcessType.BINARY, "/bin/true", List.of(), null, "/tmp", Map.of("A", "1"),
                8080, null, RestartPolicy.ALWAYS, 0, Duration.ZERO, Signals.parse("INT"), Duration.ZERO);
        assertThat(s.name()).isEqualTo("web-1");
        assertThat(s.interpreter()).isEmpty();
        assertThat(s.healthCheck()).isEmpty();
        assertThat(s.env()).containsExactly(Map.entry("A", "1"));
        assertThat(s.stopSignal()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "my-app", "my_app", "app.v2", "worker@1", "A1", ".hidden"})
    void acceptsSafeNames(String name) {
        assertThatCode(() -> ProcessSpec.checkName(name)).doesNotThrowAnyException();
    }

    @Test
    void acceptsANameOfExactlyTheMaximumLength() {
        assertThatCode(() -> ProcessSpec.checkName("x".repeat(ProcessSpec.MAX_NAME_LENGTH))).doesNotThrowAnyException();
    }

    @Test
    void rejectsAnEmptyOrMissingName() {
        assertInvalid(() -> ProcessSpec.checkName(""), "the name is empty");
        assertInvalid(() -> ProcessSpec.checkName(null), "name is empty");
    }

    @Test
    void rejectsATooLongName() {
        assertInvalid(() -> ProcessSpec.checkName("x".repeat(65)), "longer than 64 characters");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a/b      | may not contain '/'",
        "../etc   | may not contain '..'",
        "a..b     | may not contain '..'",
        "..       | may not contain '..'",
        "my app   | may not contain spaces",
        "-app     | may not start with '-'",
        "app:x    | may not contain ':'",
        "caf\u00e9     | may not contain '\u00e9'",
    })
    void rejectsUnsafeNamesSayingWhatIsWrong(String name, String problem) {
        assertInvalid(() -> ProcessSpec.checkName(name), problem);
    }

    @Test
    void rejectsControlCharactersAndPrintsThemEscaped() {
        assertInvalid(() -> ProcessSpec.checkName("a\tb"), "may not contain control characters", "'a\\x09b'");
        assertInvalid(() -> ProcessSpec.checkName("a\u007fb"), "control characters", "a\\x7fb");
        assertInvalid(() -> ProcessSpec.checkName("a\nb"), "control characters");
    }

    @Test
    void constructorChecksTheName() {
        assertInvalid(() -> named("bad/name"), "'/'");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100000})
    void rejectsPortsOutOfRange(int port) {
        assertInvalid(() -> spec("app", port, "", Map.of()), "bad port " + port, "1 to 65535");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535})
    void acceptsPortsInRangeAndZeroForNone(int port) {
        assertThat(spec("app", port, "", Map.of()).port()).isEqualTo(port);
    }

    @Test
    void rejectsAHealthCheckThatIsNeitherAPathNorAUrl() {
        assertInvalid(() -> spec("app", 80, "health", Map.of()), "--health-check 'health' is not a health check");
    }

    @Test
    void rejectsOtherBadFields() {
        assertInvalid(() -> new ProcessSpec("a", null, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 15, Duration.ZERO), "missing type");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 15, Duration.ZERO), "missing script");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 15, Duration.ZERO), "must be absolute");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 15, Duration.ZERO), "--cwd");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                null, 0, Duration.ZERO, 15, Duration.ZERO), "restart policy");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, -1, Duration.ZERO, 15, Duration.ZERO), "--max-restarts");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ofMillis(-1), 15, Duration.ZERO), "--restart-delay");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 32, Duration.ZERO), "bad stop signal 32");
        assertInvalid(() -> new ProcessSpec("a", ProcessType.BINARY, "/bin/true", List.of(), "", "/tmp", Map.of(), 0, "",
                RestartPolicy.NEVER, 0, Duration.ZERO, 15, Duration.ofSeconds(-1)), "--kill-timeout");
    }

    @Test
    void parsesEnvAssignments() {
        assertThat(ProcessSpec.parseEnv("DEBUG=true")).isEqualTo(Map.entry("DEBUG", "true"));
        assertThat(ProcessSpec.parseEnv("EMPTY=")).isEqualTo(Map.entry("EMPTY", ""));
        assertThat(ProcessSpec.parseEnv("URL=a=b")).isEqualTo(Map.entry("URL", "a=b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOVALUE", "=x", "", "="})
    void rejectsEnvWithoutAKey(String text) {
        assertInvalid(() -> ProcessSpec.parseEnv(text), "bad --env", "KEY=VALUE");
    }

    @Test
    void rejectsEnvWithNulCharacters() {
        assertInvalid(() -> ProcessSpec.parseEnv("A\0B=x"), "bad --env name 'A\\x00B'");
        assertInvalid(() -> ProcessSpec.parseEnv("A=x\0y"), "NUL");
        assertInvalid(() -> spec("app", 0, "", Map.of("K=V", "x")), "bad --env name 'K=V'");
    }

    @Test
    void jsonRoundTripGivesAnEqualSpec() {
        var env = new LinkedHashMap<String, String>();
        env.put("B", "2");
        env.put("A", "x y");
        var original = spec("api", 8080, "/health", env);
        var back = ProcessSpec.fromJson(Json.parseObject(Json.write(original.toJson())));
        assertThat(back).isEqualTo(original);
    }

    @Test
    void toJsonUsesWireNames() {
        var json = spec("api", 8080, "/health", Map.of()).toJson();
        assertThat(json).containsEntry("type", "python").containsEntry("restart_policy", "on-failure")
                .containsEntry("stop_signal", "SIGTERM").containsEntry("restart_delay_ms", 250L)
                .containsEntry("kill_timeout_ms", 3000L).containsEntry("health_check", "/health");
    }

    @Test
    void fromJsonFillsDefaultsForMissingOptionalFields() {
        var s = ProcessSpec.fromJson(Json.parseObject("{\"name\":\"old\",\"script\":\"/bin/true\",\"cwd\":\"/\"}"));
        assertThat(s.type()).isEqualTo(ProcessType.BINARY);
        assertThat(s.restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(s.maxRestarts()).isEqualTo(ProcessSpec.DEFAULT_MAX_RESTARTS);
        assertThat(s.restartDelay()).isEqualTo(ProcessSpec.DEFAULT_RESTART_DELAY);
        assertThat(s.killTimeout()).isEqualTo(ProcessSpec.DEFAULT_KILL_TIMEOUT);
        assertThat(s.stopSignal()).isEqualTo(Signals.SIGTERM);
        assertThat(s.args()).isEmpty();
        assertThat(s.env()).isEmpty();
    }

    @Test
    void fromJsonRejectsWrongTypesWithTheFieldsPath() {
        String base = "{\"name\":\"a\",\"script\":\"/bin/true\",\"cwd\":\"/\",";
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"port\":\"80\"}")),
                "spec.port: expected a whole number, got the string '80'");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"port\":99999999999}")), "spec.port: 99999999999 is out of range");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"restart_policy\":\"sometimes\"}")), "unknown restart policy");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"restart_delay_ms\":1.5}")),
                "spec.restart_delay_ms: expected a whole number, got 1.5");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"interpreter\":[\"node\"]}")),
                "spec.interpreter: expected a string, got a list");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"args\":[\"a\",1]}")), "spec.args[1]: expected a string, got 1");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"args\":\"a b\"}")), "spec.args: expected a list of strings");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"env\":[\"A=1\"]}")), "spec.env: expected a map");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(base + "\"env\":{\"A\":1}}")), "spec.env.A: expected a string, got 1");
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject("{\"name\":7}")), "spec.name: expected a string, got 7");
    }

    @Test
    void fromJsonRefusesANullEnvironmentValueInsteadOfStoringNull() {
        assertInvalid(() -> ProcessSpec.fromJson(Json.parseObject(
                "{\"name\":\"a\",\"script\":\"/bin/true\",\"cwd\":\"/\",\"env\":{\"A\":null}}")), "spec.env.A: is null");
    }

    /** Written before values not set became null: port 0, empty strings, memory 0. */
    @Test
    void anOlderRegistryEntryStillLoads() {
        var s = ProcessSpec.fromJson(Json.parseObject("{\"name\":\"web\",\"type\":\"python\",\"script\":\"/srv/app.py\","
                + "\"args\":[],\"interpreter\":\"\",\"cwd\":\"/srv\",\"env\":{\"A\":\"1\"},\"port\":0,\"health_check\":\"\","
                + "\"restart_policy\":\"on-failure\",\"max_restarts\":10,\"restart_delay_ms\":100,\"stop_signal\":\"SIGTERM\","
                + "\"kill_timeout_ms\":10000,\"health_interval_ms\":10000,\"health_timeout_ms\":1000,\"health_retries\":3,"
                + "\"health_start_period_ms\":30000,\"heartbeat_timeout_ms\":30000,\"max_memory_bytes\":0,"
                + "\"max_log_size_bytes\":52428800,\"log_files\":10}"));
        assertThat(s.port()).isZero();
        assertThat(s.healthCheck()).isEmpty();
        assertThat(s.interpreter()).isEmpty();
        assertThat(s.env()).containsExactly(Map.entry("A", "1"));
        assertThat(s.toJson()).containsEntry("port", null).containsEntry("health_check", null)
                .containsEntry("interpreter", null).containsEntry("max_memory_bytes", null);
        assertThat(ProcessSpec.fromJson(Json.parseObject(Json.write(s.toJson())))).isEqualTo(s);
    }

    @Test
    void aHealthCheckIsAPathOnThePortAUrlATcpAddressOrACommand() {
        assertThat(spec("a", 0, "", Map.of()).probe()).isEmpty();
        assertThat(spec("a", 8080, "/health", Map.of()).probe().orElseThrow().describe()).isEqualTo("http://127.0.0.1:8080/health");
        assertThat(spec("a", 8080, "http://10.0.0.1:9000/up", Map.of()).probe().orElseThrow().describe()).isEqualTo("http://10.0.0.1:9000/up");
        assertThat(spec("a", 0, "tcp://127.0.0.1:6379", Map.of()).probe().orElseThrow()).isEqualTo(new Probe.Tcp("127.0.0.1", 6379));
        assertThat(spec("a", 0, "cmd:pg_isready -q", Map.of()).probe().orElseThrow()).isEqualTo(new Probe.Command("pg_isready -q"));
    }

    @Test
    void aHealthCheckPathNeedsAPortAndOtherFormsAreRejected() {
        assertInvalid(() -> spec("a", 0, "/health", Map.of()), "needs --port");
        assertInvalid(() -> spec("a", 0, "health", Map.of()), "--health-check 'health' is not a health check");
        assertInvalid(() -> spec("a", 0, "tcp://nohost", Map.of()), "tcp://HOST:PORT");
        assertInvalid(() -> spec("a", 0, "cmd:", Map.of()), "needs a command");
    }

    @Test
    void withEnvReplacesTheEnvironmentOnly() {
        var s = spec("a", 0, "", Map.of("OLD", "1"));
        var t = s.withEnv(Map.of("NEW", "2"));
        assertThat(t.env()).containsExactly(Map.entry("NEW", "2"));
        assertThat(t.withEnv(s.env())).isEqualTo(s);
    }
}
