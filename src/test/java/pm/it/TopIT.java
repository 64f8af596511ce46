package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pm top in a real terminal (tmux): it shows the apps and their columns, keys select, restart, show logs
 * and filter, and q, Ctrl-C and a terminal too small all leave the shell as it was: the main screen, the
 * cursor, and the same stty settings as before.
 */
class TopIT {
    Pm pm;
    Map<String, String> env;

    @BeforeAll
    static void tmux() {
        assumeTrue(Tmux.installed(), "tmux is not installed (.ci/run installs it): pm top's terminal tests are skipped");
    }

    @BeforeEach
    void setUp() {
        pm = new Pm();
        env = Map.of("PM_HOME", pm.home.toString(), "PATH", Pm.ROOT + ":" + System.getenv("PATH"));
    }

    @AfterEach
    void tearDown() {
        pm.close();
    }

    void twoApps() {
        for (String name : new String[] {"alpha", "beta"}) pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", name);
        pm.ok("start", "all");
    }

    /** The terminal's settings before and after, the same; the main screen and a visible cursor. */
    void assertLeftClean(Tmux t, Path before, Path after) throws Exception {
        t.awaitScreen("the shell's prompt after pm top", s -> s.strip().endsWith(Tmux.PROMPT.strip()));
        assertThat(t.pane("#{alternate_on}")).as("the main screen").isEqualTo("0");
        assertThat(t.pane("#{cursor_flag}")).as("the cursor shows").isEqualTo("1");
        assertThat(t.pane("#{keypad_flag}")).as("normal keys").isEqualTo("0");
        t.type("stty -a > " + after);
        Pm.await("stty's report", Pm.seconds(10), () -> Files.exists(after) && Files.isReadable(after) && size(after) > 0);
        assertThat(Files.readString(after)).as("stty -a after pm top").isEqualTo(Files.readString(before));
        for (String mode : new String[] {"icanon", "echo", "isig", "icrnl", "opost"})
            assertThat(Files.readString(after)).containsPattern("(^|\\s)" + mode + "\\s");
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void showsTheAppsRestartsTheSelectedOneAndQLeavesACleanShell() throws Exception {
        twoApps();
        long alpha = pm.pid("alpha"), beta = pm.pid("beta");
        Path before = pm.file("stty.before"), after = pm.file("stty.after");
        try (var t = new Tmux(80, 24, env)) {
            t.type("stty -a > " + before + "; pm top");
            String screen = t.awaitScreen("both apps", s -> s.contains("pm top") && s.contains("alpha") && s.contains("beta"));
            System.out.println(Tmux.framed("pm top, 80x24", screen));
            var lines = screen.split("\n");
            assertThat(lines[0]).startsWith("pm top  2 apps, 2 running");
            assertThat(lines[1]).contains("ID", "NAME", "STATE", "PID", "UPTIME", "CPU", "MEM", "HEALTH");
            assertThat(lines[2]).startsWith("▶  0 alpha").contains("running", String.valueOf(alpha));
            assertThat(lines[3]).startsWith("   1 beta").contains("running", String.valueOf(beta));
            assertThat(lines[23]).contains("r restart", "q quit");

            t.keys("j");
            t.awaitScreen("beta selected", s -> s.contains("▶  1 beta"));
            t.keys("r");
            Pm.await("beta restarted", Pm.seconds(15), () -> pm.pid("beta") != beta);
            screen = t.awaitScreen("the restart's answer", s -> s.contains("beta: restarted, running (pid " + pm.pid("beta") + ")"));
            System.out.println(Tmux.framed("after j, r", screen));
            assertThat(pm.pid("alpha")).as("the other app is untouched").isEqualTo(alpha);
            t.awaitScreen("beta's new pid in its row", s -> s.contains(String.valueOf(pm.pid("beta"))));

            t.keys("q");
            assertLeftClean(t, before, after);
            System.out.println(Tmux.framed("after q", t.screen()));
        }
    }

    @Test
    void ctrlCEndsItAndRestoresTheTerminal() throws Exception {
        twoApps();
        Path before = pm.file("stty.before"), after = pm.file("stty.after");
        try (var t = new Tmux(60, 15, env)) {
            t.type("stty -a > " + before + "; pm monit; echo status=$?");
            String screen = t.awaitScreen("pm monit's view", s -> s.contains("alpha") && s.contains("beta"));
            System.out.println(Tmux.framed("pm monit, 60x15", screen));
            assertThat(screen.split("\n")[1]).contains("NAME", "STATE", "CPU", "MEM");
            t.keys("C-c");
            t.awaitScreen("its exit status", s -> s.lines().anyMatch(l -> l.startsWith("status=0")));
            assertLeftClean(t, before, after);
        }
    }

    @Test
    void lShowsTheSelectedAppsLogsSlashFiltersAndAResizeRedraws() {
        twoApps();
        long beta = pm.pid("beta");
        try (var t = new Tmux(100, 20, env)) {
            t.type("pm top");
            t.awaitScreen("the table", s -> s.contains("beta"));
            t.keys("Down", "l");
            String screen = t.awaitScreen("beta's log", s -> s.contains("logs of beta") && s.contains("sleeper up pid=" + beta));
            System.out.println(Tmux.framed("l on beta", screen));
            assertThat(screen).contains("stdout  " + pm.home.resolve("logs/beta.out.log"), "stderr  ");
            t.keys("Escape", "/", "a", "l");
            screen = t.awaitScreen("the filter", s -> s.contains("1 shown by /al"));
            assertThat(screen).contains("alpha").doesNotContain("beta");
            t.keys("Escape");
            t.awaitScreen("both again", s -> s.contains("alpha") && s.contains("beta") && !s.contains("shown by"));
            t.resizeTo(50, 12);
            screen = t.awaitScreen("the narrower table", s -> s.split("\n")[0].length() <= 50 && s.contains("beta") && !s.contains("UPTIME"));
            System.out.println(Tmux.framed("resized to 50x12", screen));
            t.keys("q");
            t.awaitScreen("the prompt", s -> s.strip().endsWith(Tmux.PROMPT.strip()));
        }
    }

    @Test
    void aStoppedDaemonIsSaidInPlainWordsAndItsKeysStartNone() throws Exception {
        twoApps();
        long alpha = pm.pid("alpha");
        try (var t = new Tmux(80, 24, env)) {
            t.type("pm top");
            t.awaitScreen("the table", s -> s.contains("alpha") && s.contains("beta"));
            pm.ok("daemon", "stop");
            String offline = "the daemon is not running; start it with pm daemon start";
            t.awaitScreen("the offline line", s -> s.contains(offline));
            t.keys("s");
            String screen = t.awaitScreen("what s did", s -> s.contains("alpha not stopped: " + offline));
            System.out.println(Tmux.framed("s with the daemon stopped", screen));
            t.keys("r");
            t.awaitScreen("what r did", s -> s.contains("alpha not restarted: " + offline));
            assertThat(pm.file("daemon.pid")).as("no daemon was started").doesNotExist();
            assertThat(Pm.alive(alpha)).as("alpha was left running").isTrue();

            // The answer to a key belongs to the view it was given in.
            pm.ok("daemon", "start");
            t.keys("l");
            t.awaitScreen("alpha's log", s -> s.contains("logs of alpha"));
            t.keys("s");
            t.awaitScreen("the stop's answer", s -> s.contains("alpha: stopped"));
            t.keys("Escape");
            screen = t.awaitScreen("the table without it", s -> s.contains("beta") && !s.contains("alpha: stopped"));
            System.out.println(Tmux.framed("back from the log", screen));
            t.keys("q");
            t.awaitScreen("the prompt", s -> s.strip().endsWith(Tmux.PROMPT.strip()));
        }
    }

    @Test
    void aTerminalTooSmallGetsOneLineAndExitStatus2AndNothingChanges() throws Exception {
        Path before = pm.file("stty.before"), after = pm.file("stty.after");
        try (var t = new Tmux(30, 8, env)) {
            t.type("stty -a > " + before + "; clear; pm top; echo status=$?");
            String screen = t.awaitScreen("its exit status", s -> s.lines().anyMatch(l -> l.startsWith("status=")));
            System.out.println(Tmux.framed("pm top in 30x8", screen));
            // One line, wrapped by the terminal at 30 columns.
            assertThat(screen.replace("\n", "")).contains("pm: the terminal is 30x8; pm top needs at least 40x10 (columns x rows)")
                    .contains("status=2");
            assertLeftClean(t, before, after);
        }
        assertThat(pm.file("daemon.pid")).as("no daemon was started").doesNotExist();
    }
}
