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
    void theUsageLineSaysWhatTheFirstArgumentAndTheLaterOnesAre() {
        var start = verb("start");
        assertThat(start.first()).isEqualTo(new Completion.Arg(true, true, List.of("all")));
        assertThat(start.later()).as("more names; a script comes first").isEqualTo(new Completion.Arg(true, false, List.of("all")));
        assertThat(verb("status").first()).isEqualTo(new Completion.Arg(true, false, List.of()));
        assertThat(verb("logs").first().words()).containsExactly("all");
        assertThat(verb("register").first()).isEqualTo(new Completion.Arg(false, true, List.of()));
        assertThat(verb("update").later()).as("update NAME [SCRIPT]").isEqualTo(new Completion.Arg(false, true, List.of()));
        assertThat(verb("scale").later().isEmpty()).as("scale NAME N").isTrue();
        assertThat(verb("daemon").first().words()).containsExactly("start", "stop", "restart", "status", "run");
        assertThat(verb("completion").first().words()).containsExactly("bash", "zsh", "fish");
        assertThat(verb("import").first()).isEqualTo(new Completion.Arg(false, false, List.of("pm2", "supervisord")));
        assertThat(verb("import").later()).isEqualTo(new Completion.Arg(false, true, List.of()));
        assertThat(verb("token").first()).as("a token's NAME is no app's").isEqualTo(new Completion.Arg(false, false, List.of("create", "list", "revoke")));
        assertThat(verb("token").later().isEmpty()).isTrue();
        assertThat(verb("list").takesArguments()).isFalse();
        assertThat(verb("top").calledBy()).containsExactly("top", "monit");
    }

    @Test
    void shortFlagsAreSpelledBesideTheLongOnesAndCountAsTakingAValue() {
        assertThat(verb("apply").valued()).contains("--file", "-f");
        assertThat(verb("register").valued()).contains("--instances", "-i", "--name").doesNotContain("--help");
        assertThat(verb("logs").valued()).contains("--tail", "-n", "--lines").doesNotContain("-f", "--follow");
        var logs = verb("logs").flags().stream().filter(f -> f.name().equals("follow")).findFirst().orElseThrow();
        assertThat(logs.spelled()).containsExactly("--follow", "-f");
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
