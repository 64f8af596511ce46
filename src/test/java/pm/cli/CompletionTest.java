package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the completion scripts offer, read from the command table: each command's arguments and flag values. */
class CompletionTest {
    @TempDir
    Path dir;

    Completion.Verb verb(String name) {
        var main = new Main(new Home(dir), System.out);
        return Completion.verbs(main.commands()).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theUsageLineSaysWhatTheArgumentsAre() {
        var start = verb("start");
        assertThat(start.names()).isTrue();
        assertThat(start.files()).isTrue();
        assertThat(start.words()).containsExactly("all");
        assertThat(verb("status").names()).isTrue();
        assertThat(verb("status").words()).isEmpty();
        assertThat(verb("logs").words()).containsExactly("all");
        assertThat(verb("register").names()).isFalse();
        assertThat(verb("register").files()).isTrue();
        assertThat(verb("daemon").words()).containsExactly("start", "stop", "restart", "status", "run");
        assertThat(verb("completion").words()).containsExactly("bash", "zsh", "fish");
        assertThat(verb("list").takesArguments()).isFalse();
        assertThat(verb("top").calledBy()).containsExactly("top", "monit");
    }

    @Test
    void aFlagsValuesComeFromItsFieldSignalsFoldersAndPrograms() {
        var flags = verb("register").flags();
        var byName = new java.util.HashMap<String, Completion.Flag>();
        for (var f : flags) byName.put(f.name(), f);
        assertThat(byName.get("type").words()).containsExactly("python", "nodejs", "shell", "java", "binary");
        assertThat(byName.get("restart-policy").words()).contains("on-failure", "unless-stopped");
        assertThat(byName.get("stop-signal").words()).contains("SIGTERM", "SIGINT", "SIGKILL").hasSize(31);
        assertThat(byName.get("cwd").values()).isEqualTo(Completion.Values.DIRS);
        assertThat(byName.get("interpreter").values()).isEqualTo(Completion.Values.COMMANDS);
        assertThat(byName.get("port").values()).isEqualTo(Completion.Values.TEXT);
        assertThat(byName.get("help").values()).isEqualTo(Completion.Values.NONE);
        assertThat(verb("stop").flags().stream().map(Completion.Flag::name).toList()).containsExactly("all", "force", "help");
    }

    @Test
    void aMenuShowsTheFirstSentenceOfAHelpText() {
        assertThat(Completion.brief("Control the daemon (it also starts on demand). stop and restart leave the apps running"))
                .isEqualTo("Control the daemon (it also starts on demand)");
        assertThat(Completion.brief("x".repeat(100))).hasSize(80).endsWith("...");
        assertThat(List.of(Completion.brief("short"))).containsExactly("short");
    }
}
