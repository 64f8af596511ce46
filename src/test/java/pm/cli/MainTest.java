package pm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.Home;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding the command: names, aliases, PM2's words with what to type instead, and did-you-mean. None of these reach a daemon. */
class MainTest {
    @TempDir
    Path dir;

    record Ran(int code, String out, String err) {}

    Ran run(String... argv) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new Main(new Home(dir), System.out).dispatch(List.of(argv));
            return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void anAliasRunsItsCommand() {
        for (var pair : List.of(List.of("ls", "status"), List.of("ps", "status"), List.of("delete", "unregister"),
                List.of("rm", "unregister"), List.of("show", "describe"), List.of("info", "describe"), List.of("monit", "top"))) {
            var r = run(pair.get(0), "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).containsPattern("^Usage: pm " + pair.get(1) + "[ \n]");
        }
        assertThat(run("help", "rm").out()).startsWith("Usage: pm unregister ");
    }

    @Test
    void theOverviewListsTheAliasesBesideTheirCommands() {
        String help = run("--help").out();
        assertThat(help).contains("  status (ls, ps) ").contains("  unregister (delete, rm) ").contains("  describe (show, info) ")
                .contains("  update ");
    }

    @Test
    void aPm2WordGetsWhatToTypeInsteadNotTheCommandItIsSpeltLike() {
        for (String word : List.of("save", "dump", "resurrect", "gracefulReload", "jlist", "prettylist",
                "env", "ping")) {
            var r = run(word);
            assertThat(r.code()).as(word).isEqualTo(2);
            assertThat(r.err().lines()).as(word).hasSize(1);
            assertThat(r.err()).as(word).startsWith("pm: ").doesNotContain("did you mean").doesNotContain("unknown command");
        }
        assertThat(run("resurrect").err()).contains("pm start all");
        assertThat(run("save").err()).contains("not needed").contains("remembers");
    }

    @Test
    void didYouMeanWeighsTheAliasesToo() {
        assertThat(run("strat").err()).isEqualTo("pm: unknown command 'strat'; did you mean pm start?\n");
        assertThat(run("delet").err()).contains("did you mean pm delete?");
        assertThat(run("shwo").err()).contains("did you mean pm show?");
        assertThat(run("frobnicate").err()).contains("unknown command 'frobnicate'; run pm --help to see them all");
    }
}
