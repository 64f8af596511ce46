package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * Commands as a PM2 user types them, through the real ./pm: start SCRIPT, all, several names, ids,
 * aliases, PM2's words, registering again, an app's flags after the script, hints that name pm as it
 * was run, narrow terminals, and pm heartbeat in an app whose PATH has no pm.
 */
class TypedCommandsIT {
    Pm pm;
    String sleeper;

    @BeforeEach
    void setUp() {
        pm = new Pm();
        sleeper = pm.fixture("sleeper.sh").toString();
    }

    @AfterEach
    void tearDown() {
        pm.close();
    }

    /** pm run as ./pm from this folder. */
    Pm.Result in(Path dir, String... args) {
        var cmd = new java.util.ArrayList<>(List.of("sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", dir.toString(),
                Pm.ROOT.resolve("pm").toString()));
        cmd.addAll(List.of(args));
        return pm.command(Map.of(), cmd);
    }

    /** A command that must fail with this status and one line on stderr holding this, changing nothing. */
    void refused(int code, String message, String... args) {
        String before = pm.ok("list", "--json");
        var r = pm.run(args);
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        assertThat(r.err().strip()).as(r.toString()).startsWith("pm: ").contains(message);
        assertThat(r.err().strip().lines()).as("one line: " + r).hasSize(1);
        assertThat(pm.ok("list", "--json")).as("registry unchanged").isEqualTo(before);
    }

    @Test
    void startAScriptRegistersItThenStartsItAndAgainOnlyStartsIt() throws Exception {
        Path dir = Files.createDirectories(pm.file("apps"));
        Files.copy(pm.fixture("sleeper.sh"), dir.resolve("loop.sh"));
        var r = in(dir, "start", "./loop.sh");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("registered loop (id 0, shell, " + dir.resolve("loop.sh") + ")").containsPattern("loop: running \\(pid \\d+\\)");
        long pid = pm.pid("loop");

        r = in(dir, "start", "loop.sh");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("loop: already registered with this spec; nothing changed").contains("loop: running (pid " + pid + ")");

        String before = pm.ok("list", "--json");
        r = in(dir, "start", "./loop.sh", "--restart-delay", "2s");
        assertThat(r.code()).as(r.toString()).isEqualTo(5);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("'loop' is already registered with another spec (it differs in restart_delay); to change it: "
                + "pm update loop --restart-delay 2s, or pick another --name");
        assertThat(pm.ok("list", "--json")).isEqualTo(before);

        r = in(dir, "start", "./loop.sh", "--name", "loop2", "--", "a", "b c");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(pm.state("loop2")).isEqualTo("running");
        assertThat(pm.ok("describe", "loop2")).contains("script      " + dir.resolve("loop.sh") + " a 'b c'\n");

        refused(2, "'nothing-here' is no file: register flags and -- go with a SCRIPT", "start", "nothing-here", "--port", "80");
    }

    @Test
    void startAScriptWithCopiesStartsEveryCopy() {
        var r = pm.run("start", sleeper, "--name", "loop", "--instances", "3");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("loop:0: running").containsPattern("loop:1: running").containsPattern("loop:2: running");
        for (String copy : List.of("loop:0", "loop:1", "loop:2")) assertThat(pm.state(copy)).as(copy).isEqualTo("running");
    }

    @Test
    void dashIIsInstancesForRegisterStartAndUpdate() {
        pm.ok("register", sleeper, "--name", "reg", "-i", "2");
        pm.ok("start", "reg");
        for (String copy : List.of("reg:0", "reg:1")) assertThat(pm.state(copy)).as(copy).isEqualTo("running");
        var r = pm.run("start", sleeper, "--name", "one", "-i", "2");
        assertThat(r.code()).as(r.toString()).isZero();
        for (String copy : List.of("one:0", "one:1")) assertThat(pm.state(copy)).as(copy).isEqualTo("running");
        pm.ok("update", "one", "-i", "3");
        assertThat(pm.ok("list", "--json")).contains("\"instances\":3");
        for (String verb : List.of("register", "start", "update")) assertThat(pm.ok(verb, "--help")).contains("-i, --instances N");
    }

    @Test
    void allSeveralNamesAndIdsWhereverANameGoes() {
        for (String n : List.of("a", "b", "c")) pm.ok("register", sleeper, "--name", n);
        assertThat(pm.ok("start", "all")).contains("a: running").contains("b: running").contains("c: running");
        assertThat(pm.ok("stop", "a", "b")).contains("a: stopped").contains("b: stopped").doesNotContain("c:");
        assertThat(pm.state("c")).isEqualTo("running");
        String cId = String.valueOf(pm.status("c").get("id"));
        assertThat(pm.ok("stop", cId)).contains("c: stopped");
        assertThat(pm.ok("restart", "all")).contains("a: running").contains("c: running");
        assertThat(pm.ok("status", "a", cId).lines().skip(1).map(l -> l.split("\\s+")[1]).toList()).containsExactly("a", "c");
        assertThat(pm.ok("describe", cId)).startsWith("c (id " + cId + ", shell)");
        assertThat(pm.ok("flush", "all")).contains("a: logs flushed").contains("c: logs flushed");

        refused(4, "no processes named 'nope', 'zzz'", "stop", "a", "nope", "b", "zzz");
        assertThat(pm.state("a")).as("nothing done").isEqualTo("running");
        refused(2, "give names or all, not both", "stop", "all", "a");
        refused(2, "give a NAME, an ID or all", "stop");
        refused(2, "--name 'all' is reserved", "register", sleeper, "--name", "all");
        refused(2, "--name '123' is all digits, which pm reads as an app's id", "register", sleeper, "--name", "123");

        assertThat(pm.ok("unregister", "all")).contains("a: unregistered").contains("c: unregistered");
        assertThat(pm.ok("status")).contains("no processes registered");
    }

    @Test
    void statusShowsTheIdFirstAndItsAliasesShowTheSame() {
        pm.ok("register", sleeper, "--name", "web");
        String status = pm.ok("status");
        assertThat(status).startsWith("ID  NAME ").contains("\n0   web ");
        assertThat(pm.ok("ls")).isEqualTo(status);
        assertThat(pm.ok("ps")).isEqualTo(status);
        assertThat(pm.ok("show", "web")).isEqualTo(pm.ok("describe", "0")).startsWith("web (id 0, shell)");
        assertThat(pm.ok("info", "web")).startsWith("web (id 0, shell)");
        assertThat(pm.ok("--help")).contains("status (ls, ps)").contains("unregister (delete, rm)").contains("describe (show, info)");
        pm.ok("register", sleeper, "--name", "api");
        assertThat(pm.ok("delete", "web")).contains("web: unregistered");
        assertThat(pm.ok("rm", "1")).contains("api: unregistered");
    }

    @Test
    void pm2WordsSayWhatToTypeInsteadAndChangeNothing() {
        pm.ok("register", sleeper, "--name", "web");
        assertThat(pm.run("gracefulReload").err()).doesNotContain("did you mean");
        refused(2, "save is not needed", "save");
        refused(2, "start all", "resurrect");
        refused(2, "reload NAME", "gracefulReload", "web");
        refused(2, "status --json", "jlist");
        refused(2, "unknown command 'strat'; did you mean pm start?", "strat", "web");
    }

    @Test
    void registeringTheSameSpecAgainIsFineAnotherNamesTheUpdate() {
        pm.ok("register", sleeper, "--name", "web", "--port", "8080");
        var r = pm.run("register", sleeper, "--name", "web", "--port", "8080");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("web: already registered with this spec; nothing changed");
        refused(5, "'web' is already registered with another spec (it differs in port, env); to change it: "
                        + "pm update web --port 8081 --env 'GREETING=hi there', or pick another --name",
                "register", sleeper, "--name", "web", "--port", "8081", "--env", "GREETING=hi there");
    }

    @Test
    void anAppsOwnFlagAfterTheScriptIsShownAfterDoubleDash() {
        refused(2, "pm: unknown flag --save; put the app's own flags after --: pm"
                + " register /usr/bin/redis-server -- --save ''", "register", "/usr/bin/redis-server", "--save", "");
        refused(2, "unexpected argument 'serve'; put the app's own arguments after --: pm"
                + " register " + sleeper + " -- serve", "register", sleeper, "serve");
    }

    @Test
    void wordsAfterAScriptAreShownAfterDoubleDashAndAMissingScriptIsSaidToBeMissing() throws Exception {
        Path dir = Files.createDirectories(pm.file("apps"));
        Files.copy(pm.fixture("sleeper.sh"), dir.resolve("crash.sh"));
        refused(2, "pm: unexpected argument '100' after the script; put the app's own arguments after --: pm start /usr/bin/sleep -- 100",
                "start", "/usr/bin/sleep", "100");
        String before = pm.ok("list", "--json");
        var r = in(dir, "start", "crash.sh", "100", "--name", "c");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).contains("unexpected argument '100' after the script; put the app's own arguments after --: ")
                .endsWith("pm start crash.sh --name c -- 100\n");
        r = in(dir, "start", "nosuch.js");
        assertThat(r.code()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("pm: script not found: " + dir.resolve("nosuch.js") + " (check the path, it is relative to " + dir
                + "), and no app is named 'nosuch.js'\n");
        assertThat(pm.ok("list", "--json")).isEqualTo(before);
    }

    @Test
    void hintsNamePmAsItWasRun() {
        pm.ok("register", sleeper, "--name", "web");
        var r = pm.command(Map.of(), List.of("sh", "-c", "cd \"$1\" && ./pm stop nope; ./pm strat; ./pm register; ./pm status --help",
                "sh", Pm.ROOT.toString()));
        assertThat(r.err()).contains("pm: no process named 'nope'; ./pm list shows the registered ones")
                .contains("did you mean ./pm start?").contains("(see ./pm register --help)");
        assertThat(r.out()).contains("Usage: ./pm status");
        r = pm.command(Map.of(), List.of("sh", "-c", "pm stop nope; pm register " + sleeper + " --name web --port 1"));
        assertThat(r.err()).contains("pm: no process named 'nope'; pm list shows the registered ones")
                .contains("to change it: pm update web --port 1,");
    }

    @Test
    void tablesFitANarrowTerminalAndNeverWrap() {
        String longName = "an-application-with-a-rather-long-name";
        pm.ok("register", sleeper, "--name", longName, "--port", "8123");
        pm.ok("start", "all");
        var r = pm.runWith(Map.of("COLUMNS", "50"), "status");
        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(50));
        assertThat(r.out()).doesNotContain("PORT").doesNotContain("8123").doesNotContain(longName).containsPattern("an-application-[…~] ");
        assertThat(pm.runWith(Map.of("COLUMNS", "200"), "status").out()).contains(longName).contains("8123");
        // On a terminal, the launcher measures it.
        r = pm.command(Map.of(), List.of("script", "-qec", "stty cols 60; " + Pm.ROOT.resolve("pm") + " status", "/dev/null"));
        var lines = r.out().replace("\r", "").replaceAll("\033\\[[0-9;]*m", "").lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
        assertThat(String.join("\n", lines)).doesNotContain("PORT");
        // Piped, a table is whole: scripts read it.
        assertThat(pm.ok("status")).contains(longName).contains("8123");
    }

    @Test
    void describeQuotesWhatHoldsSpaces() {
        pm.ok("register", sleeper, "--name", "web", "--env", "GREETING=hi there", "--", "--title", "my app", "it's");
        assertThat(pm.ok("describe", "web")).contains("script      " + sleeper + " --title 'my app' 'it'\\''s'\n")
                .contains("env         'GREETING=hi there'\n");
    }

    @Test
    void pmHeartbeatWorksInAnAppWhosePathHasNoPm() throws Exception {
        // The daemon (and so every app) gets a PATH without pm's folder: pm is found all the same.
        var r = pm.runWith(Map.of("PATH", "/usr/bin:/bin"), "register", pm.fixture("pm-beats.sh").toString(), "--name", "beats",
                "--heartbeat-timeout", "5s");
        assertThat(r.code()).as(r.toString()).isZero();
        pm.runWith(Map.of("PATH", "/usr/bin:/bin"), "start", "beats");
        await("a heartbeat through pm heartbeat", seconds(20), () -> pm.status("beats").get("heartbeat_at") != null);
        assertThat(pm.status("beats").get("health")).isEqualTo("healthy");
        assertThat(Files.readString(pm.file("logs/beats.out.log"))).contains("pm is " + Pm.ROOT.resolve("pm"))
                .doesNotContain("pm heartbeat failed");
    }
}
