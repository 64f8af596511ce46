package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.Field;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.SpecBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** register's command line on top of the spec builder: its flags come from the field table. */
class RegisterTest {
    @TempDir
    Path dir;

    static final CommandLine.Command REGISTER = new CommandLine.Command("register", "register SCRIPT", "", Register.options(),
            1, 1, true, "", p -> 0);

    ProcessSpec register(String... words) {
        return Register.spec(CommandLine.parse(REGISTER, List.of(words)), new SpecBuilder.Context(dir, Map.of("PATH", "/usr/bin:/bin")));
    }

    @Test
    void everyFieldWithAFlagIsAnOptionWithItsHelp() {
        var flags = REGISTER.opts().stream().map(CommandLine.Opt::name).toList();
        for (var f : Field.values()) {
            if (f.flag().isEmpty()) continue;
            assertThat(flags).contains(f.flag());
            var opt = REGISTER.opts().stream().filter(o -> o.name().equals(f.flag())).findFirst().orElseThrow();
            assertThat(opt.value()).isEqualTo(f.valueName());
            assertThat(opt.help()).isEqualTo(f.help());
        }
        assertThat(flags).hasSize(Field.values().length - 2);
    }

    @Test
    void flagsAndArgumentsBecomeASpecResolvedFromTheCallersFolder() throws IOException {
        Files.writeString(dir.resolve("app.py"), "print(1)\n");
        var s = register("app.py", "--name", "web", "--env", "A=1", "--env=B=2", "--port", "80", "--port", "8080",
                "--interpreter", "python3 -X dev", "--restart-delay", "250ms", "--", "--verbose", "a b");
        assertThat(s.name()).isEqualTo("web");
        assertThat(s.script()).isEqualTo(dir.resolve("app.py").toString());
        assertThat(s.env()).isEqualTo(Map.of("A", "1", "B", "2"));
        assertThat(s.port()).as("the last one given").isEqualTo(8080);
        assertThat(s.interpreterWords()).containsExactly("python3", "-X", "dev");
        assertThat(s.restartDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.args()).containsExactly("--verbose", "a b");
        assertThat(s.cwd()).isEqualTo(dir.toString());
    }

    @Test
    void everyBadFlagIsReportedAtOnceOneLineEachInTheOrderTyped() throws IOException {
        Files.writeString(dir.resolve("app.py"), "print(1)\n");
        assertThatThrownBy(() -> register("app.py", "--restart-delay", "3000", "--max-memory", "200", "--restart-policy", "sometimes"))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage("--restart-delay 3000 needs a unit: 3000ms or 3000s?\n"
                        + "--max-memory 200 needs a unit: 200K or 200M?\n"
                        + "--restart-policy 'sometimes' is not one of never, on-failure, always, unless-stopped");
    }
}
