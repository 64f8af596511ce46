package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * Each run in a cgroup of its own: a stop reaches the processes that left the app's session and process
 * group (a setsid grandchild, a double-forked daemon), also after a {@code kill -9} of the daemon, and
 * where cgroups cannot be used the process group still covers the rest. Needs root and a cgroup v2
 * hierarchy; skipped, saying why, where the kernel refuses.
 */
class CgroupIT {
    final Pm pm = new Pm();
    /** Escaped processes a test expects to outlive a stop; killed at the end whatever happens. */
    final List<Long> strays = new ArrayList<>();

    @AfterEach
    void tearDown() {
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        pm.close();
    }

    /**
     * Registers and starts escape.sh (with a process that ignores SIGTERM if {@code stubborn}); returns the
     * pids of the processes that left its group.
     */
    private List<Long> startEscapes(String name, Map<String, String> env, boolean stubborn, String... extra) {
        Path pids = pm.file(name + ".pids");
        var args = new ArrayList<>(List.of("register", pm.fixture("escape.sh").toString(), "--name", name));
        args.addAll(List.of(extra));
        args.addAll(List.of("--", pids.toString(), stubborn ? "1" : "0"));
        var r = pm.runWith(env, args);
        assertThat(r.code()).as(r.toString()).isZero();
        pm.ok("start", name);
        await("the escapes are up", seconds(10), () -> Files.exists(Path.of(pids + ".ready")));
        try {
            List<Long> all = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
            assertThat(all).allMatch(Pm::alive);
            // They do leave: each comes to lead a session of its own (the pid is written before its setsid).
            await("the escapes lead sessions of their own", seconds(5), () -> all.stream().allMatch(pid -> session(pid) == pid));
            assertThat(all).doesNotContain(pm.pid(name));
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Long> startEscapes(String name, String... extra) {
        return startEscapes(name, Map.of(), false, extra);
    }

    private Map<String, Object> describe(String name) {
        return Json.parseObject(pm.ok("describe", name, "--json"));
    }

    /** Skips the test, saying why, unless the daemon puts apps in cgroups here. */
    private void assumeCgroups() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "cgroups are made by root here; not root");
        String log = daemonLog();
        Assumptions.assumeTrue(log.contains("apps are tracked by cgroup"),
                () -> "the kernel refuses cgroups here: " + log.lines().filter(l -> l.contains("pm.cgroups")).findFirst().orElse(log));
    }

    private String daemonLog() {
        try {
            return Files.readString(pm.home.resolve("daemon.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void stopReachesASetsidGrandchildAndADoubleForkedDaemon() {
        var escaped = startEscapes("esc");
        assumeCgroups();
        var before = pm.status("esc");
        String cgroup = (String) describe("esc").get("cgroup");

        assertThat(pm.ok("stop", "esc")).contains("esc: stopped");
        // stop returns once the app's cgroup is empty: no waiting needed here.
        assertThat(escaped).noneMatch(Pm::alive);
        assertThat(before.get("tracking")).isEqualTo("cgroup");
        assertThat(cgroup).contains("/pm-").contains("/esc:");
        await("its cgroup is removed", seconds(5), () -> !Files.exists(Path.of(cgroup)));
    }

    @Test
    void anEscapedProcessThatIgnoresSigtermIsKilledAfterTheKillTimeout() {
        var escaped = startEscapes("stubborn", Map.of(), true, "--kill-timeout", "500ms");
        assumeCgroups();
        long started = System.nanoTime();
        assertThat(pm.ok("stop", "stubborn")).contains("stubborn: stopped");
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(450);
        assertThat(escaped).noneMatch(Pm::alive);
        assertThat(pm.status("stubborn").get("reason")).asString().contains("SIGKILL");
    }

    @Test
    void whatLeftTheGroupIsKilledWhenTheAppExitsByItself() {
        var escaped = startEscapes("orphans", "--restart-policy", "never");
        assumeCgroups();
        ProcessHandle.of(pm.pid("orphans")).orElseThrow().destroyForcibly();
        await("the app is exited", seconds(10), () -> pm.state("orphans").equals("exited"));
        await("what it left is gone", seconds(5), () -> escaped.stream().noneMatch(Pm::alive));
    }

    @Test
    void anAutomaticRestartKillsWhatTheLastRunLeftAndTheNewRunIsInACgroupToo() {
        var escaped = startEscapes("again", "--restart-delay", "0");
        assumeCgroups();
        long first = pm.pid("again");
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await("a new run", seconds(10), () -> pm.status("again").get("pid") instanceof Number n && n.longValue() != first);
        await("what the last run left is gone", seconds(5), () -> escaped.stream().noneMatch(Pm::alive));
        assertThat(pm.status("again").get("tracking")).isEqualTo("cgroup");
        assertThat(describe("again").get("pids")).asList().contains(pm.pid("again"));
        // The new run's escapes left its group at once, before its move into its cgroup (put off after a
        // restart): the stop reaches them too.
        Path pids = pm.file("again.pids");
        await("the new run's escapes are up", seconds(10), () -> lines(pids).size() == 4);
        var all = lines(pids).stream().map(Long::parseLong).toList();
        assertThat(all.subList(2, 4)).allMatch(Pm::alive);
        assertThat(pm.ok("stop", "again")).contains("again: stopped");
        assertThat(all).noneMatch(Pm::alive);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void afterAKillMinusNineOfTheDaemonTheNextOneAdoptsTheCgroupAndItsStopReachesEverything() throws IOException {
        var escaped = startEscapes("adopted");
        assumeCgroups();
        long pid = pm.pid("adopted");
        Path cgroup = Path.of((String) describe("adopted").get("cgroup"));
        long daemon = Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        await("the daemon is gone", seconds(10), () -> !Pm.alive(daemon));

        var status = pm.status("adopted");
        assertThat(pm.pid("adopted")).isEqualTo(pid);
        assertThat(status.get("reason")).isEqualTo("adopted from an earlier daemon");
        assertThat(status.get("tracking")).isEqualTo("cgroup");
        assertThat(pm.ok("stop", "adopted")).contains("adopted: stopped");
        assertThat(escaped).noneMatch(Pm::alive);
        assertThat(Pm.alive(pid)).isFalse();
        // The dead daemon's own cgroup is removed by the next one, and the run's once it is empty.
        assertThat(cgroup.resolveSibling("daemon-" + daemon)).doesNotExist();
        await("the run's cgroup is removed", seconds(5), () -> !Files.exists(cgroup));
        assertThat(daemonLog()).doesNotContain("no run of this daemon knows of");
    }

    @Test
    void everyProcessOfTheCgroupIsSampled() {
        startEscapes("counted");
        assumeCgroups();
        // The script, and the two that left its group: a process group would count the script alone.
        await("3 processes sampled", seconds(10), () -> pm.status("counted").get("processes") instanceof Number n && n.intValue() == 3);
        assertThat(pm.status("counted").get("memory_bytes")).isInstanceOf(Number.class);
    }

    @Test
    void withCgroupsOffTheProcessGroupStillStopsTheTreeAndStatusSaysSo() {
        Path pids = pm.file("tree.pids");
        var r = pm.runWith(Map.of("PM_CGROUPS", "off"), "register", pm.fixture("tree.sh").toString(), "--name", "tree",
                "--", pids.toString(), "0");
        assertThat(r.code()).as(r.toString()).isZero();
        pm.ok("start", "tree");
        await("the tree is up", seconds(10), () -> Files.exists(Path.of(pids + ".ready")));
        assertThat(pm.status("tree").get("tracking")).isEqualTo("process-group");
        assertThat(daemonLog()).contains("PM_CGROUPS=off: apps are tracked by process group");
        List<Long> tree;
        try {
            tree = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(pm.ok("stop", "tree")).contains("tree: stopped");
        assertThat(tree).noneMatch(Pm::alive);
    }

    @Test
    void withCgroupsOffWhatLeftTheGroupIsOutsideWhatStopReaches() {
        // The limit of the fallback, shown: so PM_CGROUPS=off is real, and the cgroup tests above can fail.
        var escaped = startEscapes("limit", Map.of("PM_CGROUPS", "off"), false);
        strays.addAll(escaped);
        assertThat(pm.status("limit").get("tracking")).isEqualTo("process-group");
        assertThat(pm.ok("stop", "limit")).contains("limit: stopped");
        assertThat(escaped).allMatch(Pm::alive);
    }

    @Test
    void aDaemonThatMayNotMakeCgroupsTracksByProcessGroupAndSaysWhy() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a daemon as nobody");
        // Its own home, owned by nobody: this daemon runs as nobody, who may not write the cgroup hierarchy.
        Path home = Files.createTempDirectory(Path.of("/tmp"), "pm-it-nobody-");
        try {
            run(List.of("chown", "nobody:", home.toString()));
            assertThat(asNobody(home, "register", "/bin/sleep", "--name", "s", "--type", "binary", "--", "1000")).isZero();
            assertThat(asNobody(home, "start", "s")).isZero();
            String log = Files.readString(home.resolve("daemon.log"));
            assertThat(log).contains("cgroups are not usable (").contains("permission denied")
                    .contains("apps are tracked by process group");
            assertThat(Files.readString(home.resolve("runs.json"))).contains("\"cgroup\":\"\"");
        } finally {
            asNobody(home, "kill");
            run(List.of("rm", "-rf", home.toString()));
        }
    }

    private static int asNobody(Path home, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "env", "HOME=" + home, "PM_HOME=" + home, Pm.ROOT.resolve("pm").toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private static int run(List<String> cmd) throws Exception {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 60s");
        }
        return p.exitValue();
    }

    /** The session id of a live process, from /proc/PID/stat. */
    private static long session(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[3]);
        } catch (IOException e) {
            return -1;
        }
    }
}
