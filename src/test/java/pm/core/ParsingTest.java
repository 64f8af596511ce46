package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small enum-like parsers: restart policies, signals and process types. */
class ParsingTest {

    private static void assertInvalid(Runnable r, String... fragments) {
        assertThatThrownBy(r::run)
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .message().contains(fragments);
    }

    @ParameterizedTest
    @CsvSource({"never, NEVER", "on-failure, ON_FAILURE", "always, ALWAYS", "unless-stopped, UNLESS_STOPPED", "' always ', ALWAYS"})
    void parsesRestartPolicies(String text, RestartPolicy policy) {
        assertThat(RestartPolicy.parse(text)).isEqualTo(policy);
    }

    @ParameterizedTest
    @EnumSource(RestartPolicy.class)
    void restartPolicyWireNamesParseBack(RestartPolicy p) {
        assertThat(RestartPolicy.parse(p.wireName())).isEqualTo(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sometimes", "on_failure", "ON_FAILURE"})
    void rejectsUnknownRestartPoliciesListingTheChoices(String text) {
        assertInvalid(() -> RestartPolicy.parse(text), "unknown restart policy '" + text + "'",
                "never, on-failure, always or unless-stopped");
    }

    @ParameterizedTest
    @CsvSource({"TERM, 15", "SIGTERM, 15", "sigterm, 15", "15, 15", "KILL, 9", "int, 2", "' HUP ', 1", "SYS, 31", "31, 31", "SigUsr1, 10"})
    void parsesSignalsByNameOrNumber(String text, int signal) {
        assertThat(Signals.parse(text)).isEqualTo(signal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "SIG", "0", "32", "-9", "FOO", "SIGFOO", "TERMINATE"})
    void rejectsUnknownSignals(String text) {
        assertInvalid(() -> Signals.parse(text), "unknown signal '" + text + "'", "TERM");
    }

    @Test
    void namesSignalsAndFallsBackToTheNumber() {
        assertThat(Signals.name(9)).isEqualTo("SIGKILL");
        assertThat(Signals.name(Signals.SIGTERM)).isEqualTo("SIGTERM");
        assertThat(Signals.name(0)).isEqualTo("signal 0");
        assertThat(Signals.name(64)).isEqualTo("signal 64");
        for (int i = 1; i <= 31; i++) assertThat(Signals.parse(Signals.name(i))).isEqualTo(i);
    }

    @ParameterizedTest
    @CsvSource({
        "python, PYTHON", "py, PYTHON", "Python3, PYTHON",
        "nodejs, NODEJS", "node, NODEJS", "js, NODEJS",
        "shell, SHELL", "sh, SHELL", "bash, SHELL",
        "java, JAVA", "jar, JAVA",
        "binary, BINARY", "bin, BINARY", "' exec ', BINARY",
    })
    void parsesProcessTypesAndAliases(String text, ProcessType type) {
        assertThat(ProcessType.parse(text)).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ruby", "python2"})
    void rejectsUnknownProcessTypes(String text) {
        assertInvalid(() -> ProcessType.parse(text), "unknown type '" + text + "'", "python, nodejs, shell, java or binary");
    }

    @ParameterizedTest
    @EnumSource(ProcessType.class)
    void processTypeWireNamesParseBack(ProcessType t) {
        assertThat(ProcessType.parse(t.wireName())).isEqualTo(t);
    }

    @Test
    void processTypesHaveTheirDefaultInterpreter() {
        assertThat(ProcessType.PYTHON.defaultInterpreter()).isEqualTo("python3");
        assertThat(ProcessType.NODEJS.defaultInterpreter()).isEqualTo("node");
        assertThat(ProcessType.SHELL.defaultInterpreter()).isEqualTo("bash");
        assertThat(ProcessType.BINARY.defaultInterpreter()).isEmpty();
    }
}
