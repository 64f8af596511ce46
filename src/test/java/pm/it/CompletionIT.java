package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pm completion's scripts, run by the shells: bash's function called with COMP_WORDS as bash would, fish's
 * through complete -C, zsh's parsed and loaded after compinit. What they offer comes from the command
 * table (every command of pm --help), app names from the running daemon, and Tab never starts one.
 */
class CompletionIT {
    /** What bash's _pm offers for these words (the last one is being completed), one per line, sorted. */
    static List<String> bash(Pm pm, Path script, String... words) {
        return offered(pm, script, String.join(" ", words), words);
    }

    /** The same for a line as typed: its words split as bash splits them, at spaces and around a colon (many:1 as many, :, 1). */
    static List<String> typed(Pm pm, Path script, String typed) {
        return offered(pm, script, typed, typed.split(" |(?=:)|(?<=:)", -1));
    }

    private static List<String> offered(Pm pm, Path script, String typed, String[] words) {
        var line = new StringBuilder("source ").append(script).append("; COMP_WORDS=(");
        for (String w : words) line.append("'").append(w).append("' ");
        line.append("); COMP_CWORD=").append(words.length - 1).append("; COMP_LINE='").append(typed).append("'; COMP_POINT=${#COMP_LINE}")
                .append("; COMPREPLY=(); _pm; printf '%s\\n' \"${COMPREPLY[@]}\"");
        var r = pm.command(Map.of(), List.of("bash", "--norc", "--noprofile", "-c", line.toString()));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
        return r.out().lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    static Path script(Pm pm, String shell) throws IOException {
        var r = pm.run("completion", shell);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        return Files.writeString(pm.file("completion." + shell), r.out());
    }

    static boolean installed(String shell) {
        try {
            return new ProcessBuilder(shell, "-c", "exit 0").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void bashOffersTheCommandsFlagsTheirValuesAndTheAppsByName() throws IOException {
        try (var pm = new Pm()) {
            Path script = script(pm, "bash");
            String pmPath = Pm.ROOT.resolve("pm").toString();

            // Every command and alias pm --help lists, and nothing else.
            var listed = new ArrayList<String>();
            boolean inCommands = false;
            for (String l : pm.ok("--help").lines().toList()) {
                if (l.equals("Commands:")) inCommands = true;
                else if (l.isBlank()) inCommands = false;
                else if (inCommands) listed.addAll(Arrays.asList(l.strip().split("  ")[0].replaceAll("[(),]", "").split(" ")));
            }
            listed.addAll(List.of("--help", "--version"));
            assertThat(bash(pm, script, pmPath, "")).containsExactlyInAnyOrderElementsOf(listed).contains("monit", "startup", "completion");
            assertThat(bash(pm, script, pmPath, "sto")).containsExactly("stop");
            assertThat(bash(pm, script, pmPath, "mo")).containsExactly("monit");

            assertThat(bash(pm, script, pmPath, "stop", "--")).containsExactly("--all", "--force", "--help");
            assertThat(bash(pm, script, pmPath, "register", "app.py", "--restart-policy", "")).containsExactly("always", "never", "on-failure", "unless-stopped");
            assertThat(bash(pm, script, pmPath, "start", "app.py", "--type", "")).containsExactly("binary", "java", "nodejs", "python", "shell");
            assertThat(bash(pm, script, pmPath, "update", "web", "--stop-signal", "SIGTE")).containsExactly("SIGTERM");
            assertThat(bash(pm, script, pmPath, "register", "app.py", "--port", "")).as("nothing to guess: no files either").isEmpty();
            assertThat(bash(pm, script, pmPath, "daemon", "st")).containsExactly("start", "status", "stop");
            assertThat(bash(pm, script, pmPath, "completion", "")).containsExactly("bash", "fish", "zsh");
            assertThat(bash(pm, script, pmPath, "register", "src/test/fixtures/sleep")).contains("src/test/fixtures/sleeper.sh");

            // Short flags take their values as the long ones do.
            assertThat(bash(pm, script, pmPath, "apply", "-f", "src/test/fixtures/sleep")).contains("src/test/fixtures/sleeper.sh");
            assertThat(bash(pm, script, pmPath, "down", "-f", "src/test/fixtures/sleep")).contains("src/test/fixtures/sleeper.sh");
            assertThat(bash(pm, script, pmPath, "logs", "web", "-n", "")).as("a number: nothing to guess").isEmpty();
            assertThat(bash(pm, script, pmPath, "register", "x", "-i", "")).isEmpty();
            // A command's first argument and the later ones complete apart.
            assertThat(bash(pm, script, pmPath, "import", "")).containsExactly("pm2", "supervisord");
            assertThat(bash(pm, script, pmPath, "import", "pm2", "src/test/fixtures/sleep")).contains("src/test/fixtures/sleeper.sh");
            assertThat(bash(pm, script, pmPath, "token", "")).containsExactly("create", "list", "revoke");
            assertThat(bash(pm, script, pmPath, "token", "create", "")).as("a new token's name").isEmpty();

            // With no daemon, no names, and Tab does not start one.
            assertThat(bash(pm, script, pmPath, "stop", "")).containsExactly("all");
            assertThat(pm.file("daemon.pid")).doesNotExist();

            for (String name : new String[] {"web", "worker", "api"}) pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", name);
            assertThat(bash(pm, script, pmPath, "stop", "")).containsExactly("all", "api", "web", "worker");
            assertThat(bash(pm, script, pmPath, "restart", "w")).containsExactly("web", "worker");
            assertThat(bash(pm, script, pmPath, "describe", "a")).containsExactly("api");
            assertThat(bash(pm, script, pmPath, "logs", "-f", "web", "")).containsExactly("all", "api", "web", "worker");
            assertThat(bash(pm, script, pmPath, "list", "")).as("list takes no names").containsExactly("--help", "--json");
            assertThat(pm.ok("completion", "--names")).isEqualTo("web\nworker\napi\n");

            // An app with copies by its name; its copies once the colon is typed, which does not split the word.
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "many", "-i", "3");
            assertThat(bash(pm, script, pmPath, "stop", "")).containsExactly("all", "api", "many", "web", "worker");
            assertThat(typed(pm, script, pmPath + " stop many:")).as("what follows the colon, which bash puts there").containsExactly("0", "1", "2");
            assertThat(typed(pm, script, pmPath + " stop many:1")).containsExactly("1");
            assertThat(typed(pm, script, pmPath + " update many:1 src/test/fixtures/sleep")).as("then the script").contains("src/test/fixtures/sleeper.sh");
            assertThat(typed(pm, script, pmPath + " stop many:0 w")).containsExactly("web", "worker");
            assertThat(pm.ok("completion", "--names")).isEqualTo("web\nworker\napi\nmany\nmany:0\nmany:1\nmany:2\n");
        }
    }

    @Test
    void fishOffersTheSameAndZshsScriptParsesAndLoads() throws IOException {
        try (var pm = new Pm()) {
            for (String name : new String[] {"web", "worker"}) pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", name);
            if (installed("fish")) {
                Path fish = script(pm, "fish");
                assertThat(pm.command(Map.of(), List.of("fish", "-n", fish.toString())).code()).isZero();
                pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "many", "-i", "2");
                var r = pm.command(Map.of(), List.of("fish", "--no-config", "-c", "source " + fish + "; complete -C'pm sto'; complete -C'pm stop '; "
                        + "complete -C'pm register x --restart-policy '; complete -C'pm stop many:'; complete -C'pm import '; complete -C'pm token '; "
                        + "complete -C'pm register x -i '; complete -C'pm apply -f src/test/fixtures/sleep'; complete -C'pm import pm2 src/test/fixtures/sleep'"));
                assertThat(r.err()).isEmpty();
                assertThat(r.out().lines().map(l -> l.split("\t")[0]).toList())
                        .containsExactly("stop", "all", "many", "web", "worker", "always", "never", "on-failure", "unless-stopped", "many:0", "many:1",
                                "pm2", "supervisord", "create", "list", "revoke", "src/test/fixtures/sleeper.sh", "src/test/fixtures/sleeper.sh");
            }
            if (installed("zsh")) {
                Path zsh = script(pm, "zsh");
                var parsed = pm.command(Map.of(), List.of("zsh", "-n", zsh.toString()));
                assertThat(parsed.code()).as(parsed.toString()).isZero();
                var loaded = pm.command(Map.of(), List.of("zsh", "-f", "-c", "autoload -Uz compinit; compinit -u -D; source " + zsh
                        + "; print -r -- $_comps[pm]"));
                assertThat(loaded.out()).as(loaded.toString()).isEqualTo("_pm\n");
                assertThat(loaded.err()).isEmpty();
            }
            assumeTrue(installed("fish") && installed("zsh"), "zsh or fish is not installed (.ci/run installs both)");
        }
    }

    @Test
    void anUnknownShellGetsOneLineAndExitStatus2() {
        try (var pm = new Pm()) {
            var r = pm.run("completion", "tcsh");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("pm: no completion for the shell 'tcsh': pm has one for bash, zsh, fish (pm completion bash)\n");
            var none = pm.run("completion");
            assertThat(none.code()).isEqualTo(2);
            assertThat(none.err()).hasLineCount(1).contains("which shell?");
            var extra = pm.run("completion", "--names", "extra");
            assertThat(extra.code()).isEqualTo(2);
            assertThat(extra.out()).isEmpty();
            assertThat(extra.err()).isEqualTo("pm: unexpected argument 'extra': pm completion --names takes none (see pm completion --help)\n");
        }
    }
}
