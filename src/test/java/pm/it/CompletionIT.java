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
        var line = new StringBuilder("source ").append(script).append("; COMP_WORDS=(");
        for (String w : words) line.append("'").append(w).append("' ");
        line.append("); COMP_CWORD=").append(words.length - 1).append("; COMPREPLY=(); _pm; printf '%s\\n' \"${COMPREPLY[@]}\"");
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
        }
    }

    @Test
    void fishOffersTheSameAndZshsScriptParsesAndLoads() throws IOException {
        try (var pm = new Pm()) {
            for (String name : new String[] {"web", "worker"}) pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", name);
            if (installed("fish")) {
                Path fish = script(pm, "fish");
                assertThat(pm.command(Map.of(), List.of("fish", "-n", fish.toString())).code()).isZero();
                var r = pm.command(Map.of(), List.of("fish", "--no-config", "-c", "source " + fish + "; complete -C'pm sto'; complete -C'pm stop '; "
                        + "complete -C'pm register x --restart-policy '"));
                assertThat(r.err()).isEmpty();
                assertThat(r.out().lines().map(l -> l.split("\t")[0]).toList())
                        .containsExactly("stop", "all", "web", "worker", "always", "never", "on-failure", "unless-stopped");
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
        }
    }
}
