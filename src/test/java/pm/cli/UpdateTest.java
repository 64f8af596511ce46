package pm.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.core.SpecBuilder;
import pm.core.SpecDiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** update's command line: the registered spec with what is typed changed, through the same builder as register. */
class UpdateTest {
    @TempDir
    Path dir;
    SpecBuilder.Context context;
    ProcessSpec base;

    static final CommandLine.Command UPDATE = new CommandLine.Command("update", "update NAME", "",
            Register.options(CommandLine.Opt.value("unset-env", "KEY", "")), 1, 2, true, "", p -> 0);
    static final CommandLine.Command REGISTER = new CommandLine.Command("register", "register SCRIPT", "", Register.options(),
            1, 1, true, "", p -> 0);

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(dir.resolve("app.py"), "print(1)\n");
        context = new SpecBuilder.Context(dir, Map.of("PATH", "/usr/bin:/bin"));
        base = Register.spec(CommandLine.parse(REGISTER, List.of("app.py", "--name", "web", "--env", "A=1", "--env", "B=2",
                "--port", "8080", "--", "--workers", "2")), context);
    }

    ProcessSpec update(String... words) {
        return Update.change(base, CommandLine.parse(UPDATE, List.of(words)), context);
    }

    @Test
    void whatIsNotTypedStays() {
        var s = update("web", "--restart-delay", "2s", "--max-memory", "300M");
        assertThat(s.restartDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.maxMemory()).isEqualTo(300L << 20);
        assertThat(s.env()).isEqualTo(base.env());
        assertThat(s.args()).isEqualTo(base.args());
        assertThat(s.port()).isEqualTo(8080);
        assertThat(update("web")).isEqualTo(base);
    }

    @Test
    void envAddsAndChangesUnsetEnvRemoves() {
        assertThat(update("web", "--env", "B=3", "--env", "C=x y").env()).isEqualTo(Map.of("A", "1", "B", "3", "C", "x y"));
        assertThat(update("web", "--unset-env", "A", "--unset-env", "NEVER_SET").env()).isEqualTo(Map.of("B", "2"));
        assertThat(update("web", "--unset-env", "A", "--env", "A=9").env()).as("set wins").isEqualTo(Map.of("A", "9", "B", "2"));
    }

    @Test
    void doubleDashReplacesTheArgumentsAndAloneClearsThem() {
        assertThat(update("web", "--", "--workers", "4").args()).containsExactly("--workers", "4");
        assertThat(update("web", "--").args()).isEmpty();
    }

    @Test
    void aNewScriptHasItsTypeWorkedOutAgain() throws IOException {
        Files.writeString(dir.resolve("server.js"), "1\n");
        var s = update("web", "server.js");
        assertThat(s.script()).isEqualTo(dir.resolve("server.js").toString());
        assertThat(s.type()).isEqualTo(ProcessType.NODEJS);
        assertThat(s.name()).isEqualTo("web");
    }

    @Test
    void everyErrorAtOnceARenameAmongThem() {
        assertThatThrownBy(() -> update("web", "--name", "api", "--port", "http", "--restart-delay", "3000", "--unset-env", "A=1"))
                .isInstanceOfSatisfying(PmException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessage("--name cannot change: an app's name is its key (its logs, its entry); to rename web, pm unregister it "
                        + "and register it under the new name\n"
                        + "--unset-env 'A=1' is not a variable's name: give the name alone, such as DEBUG\n"
                        + "--port 'http' is not a port: use a number from 1 to 65535\n"
                        + "--restart-delay 3000 needs a unit: 3000ms or 3000s?");
        assertThat(update("web", "--name", "web")).as("its own name is no rename").isEqualTo(base);
    }

    @Test
    void theUpdateLineOfARegisterConflictTurnsTheRegisteredSpecIntoTheNewOne() throws IOException {
        Files.writeString(dir.resolve("other.py"), "print(2)\n");
        var wanted = Register.spec(CommandLine.parse(REGISTER, List.of("other.py", "--name", "web", "--env", "B=20", "--env", "C=it's",
                "--restart-policy", "always", "--port", "8080", "--", "--workers", "3")), context);
        var diff = SpecDiff.between(base, wanted);
        String line = Register.updateLine(base, wanted, diff);
        assertThat(line).isEqualTo("pm update web " + dir.resolve("other.py") + " --restart-policy always"
                + " --env B=20 --env 'C=it'\\''s' --unset-env A -- --workers 3");
        // Typed back, the line makes the spec wanted.
        var words = List.of("web", dir.resolve("other.py").toString(), "--env", "B=20", "--env", "C=it's", "--unset-env", "A",
                "--restart-policy", "always", "--", "--workers", "3");
        assertThat(update(words.toArray(String[]::new))).isEqualTo(wanted);
    }
}
