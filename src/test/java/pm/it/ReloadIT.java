package pm.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** pm reload: each copy replaced in turn with the current spec, never dropping a connection; a failed replacement rolls back. */
class ReloadIT {
    static List<Long> pids(Pm pm, int copies) {
        var out = new ArrayList<Long>();
        for (int i = 0; i < copies; i++) out.add(pm.pid("web:" + i));
        return out;
    }

    static String environ(long pid) throws Exception {
        return Files.readString(Path.of("/proc/" + pid + "/environ")).replace('\0', '\n');
    }

    /**
     * The runs of this home's apps, by copy number, whoever manages them: the group leaders whose
     * environment carries the home's mark (PM_RUN_ID=SERIAL:ID:COPY:HOME).
     */
    static Map<Integer, List<Long>> marked(Pm pm) {
        var out = new TreeMap<Integer, List<Long>>();
        try (var dir = Files.newDirectoryStream(Path.of("/proc"))) {
            String home = pm.home.toRealPath().toString();
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) continue;
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (fields[0].equals("Z") || !fields[2].equals(name)) continue;
                    for (String e : environ(Long.parseLong(name)).split("\n")) {
                        if (!e.startsWith("PM_RUN_ID=") || !e.endsWith(":" + home)) continue;
                        int copy = Integer.parseInt(e.substring("PM_RUN_ID=".length()).split(":")[2]);
                        out.computeIfAbsent(copy, c -> new ArrayList<>()).add(Long.parseLong(name));
                    }
                } catch (Exception gone) {
                    // ended meanwhile, or not ours to read
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Whether this process holds the socket listening on this TCP port (its inode in /proc/net/tcp among its fds). */
    static boolean holdsListening(long pid, int port) throws Exception {
        String hexPort = ":" + String.format("%04X", port);
        String inode = null;
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) inode = f[9];
        }
        if (inode == null) return false;
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            String socket = "socket:[" + inode + "]";
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(socket);
                } catch (java.io.IOException gone) {
                    return false;
                }
            });
        }
    }

    @Test
    void aDaemonKilledMidReloadLeavesNoReplacementRunningUnmanaged() throws Exception {
        try (var pm = new Pm()) {
            int port = SocketsIT.freePort();
            // Ready after 30 s: the reload is still waiting on web:0's replacement when the daemon is killed.
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web", "--instances", "2",
                    "--socket", "tcp://127.0.0.1:" + port, "--ready-after", "30s");
            pm.ok("start", "web");
            await("the copies serve", seconds(15), () -> SocketsIT.request(port).startsWith("instance="));
            var before = pids(pm, 2);
            var reloading = CompletableFuture.supplyAsync(() -> pm.run("reload", "web", "--env", "GREETING=new"));
            await("web:0's replacement runs", seconds(15), () -> marked(pm).getOrDefault(0, List.of()).size() == 2);
            long daemon = Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
            ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
            await("the daemon is gone", seconds(10), () -> !Pm.alive(daemon));
            assertThat(reloading.get(30, TimeUnit.SECONDS).code()).as("the reload's answer was lost").isNotZero();

            // The next daemon takes over both runs of web:0: the old copy goes on serving, the replacement
            // (never ready) is stopped, and no process of the app is left unmanaged.
            assertThat(pm.ok("status")).contains("web:0", "web:1");
            await("one run per copy", seconds(20), () -> marked(pm).equals(Map.of(0, List.of(before.get(0)), 1, List.of(before.get(1)))));
            assertThat(pids(pm, 2)).isEqualTo(before);
            assertThat(pm.state("web:0")).isEqualTo("running");
            assertThat(pm.state("web:1")).isEqualTo("running");
            long next = Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
            assertThat(holdsListening(next, port)).as("the new daemon holds the socket").isTrue();
            assertThat(SocketsIT.request(port)).startsWith("instance=");

            // A stop reaches every run, and the app starts again on its address once no daemon holds it.
            pm.ok("stop", "web");
            assertThat(marked(pm)).isEmpty();
            pm.ok("kill");
            var started = pm.run("start", "web");
            assertThat(started.code()).as(started.toString()).isZero();
            await("the copies serve again", seconds(15), () -> SocketsIT.request(port).startsWith("instance="));
            assertThat(marked(pm).values()).allMatch(runs -> runs.size() == 1).hasSize(2);
        }
    }

    @Test
    void aReloadReplacesEveryCopyWithNoFailedConnectionAndAFailedOneRollsBack() throws Exception {
        try (var pm = new Pm()) {
            int port = SocketsIT.freePort();
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web", "--instances", "3",
                    "--socket", "tcp://127.0.0.1:" + port, "--ready-after", "1s");
            pm.ok("start", "web");
            await("the copies serve", seconds(15), () -> SocketsIT.request(port).startsWith("instance="));
            var before = pids(pm, 3);
            try (var loop = new SocketsIT.Loop(port)) {
                await("the loop served", seconds(10), () -> loop.served.get() > 20);
                var out = pm.ok("reload", "web", "--env", "GREETING=new");
                assertThat(out).contains("web:0: running", "web:2: running");
                var after = pids(pm, 3);
                for (int i = 0; i < 3; i++) {
                    assertThat(after.get(i)).as("copy " + i + " replaced").isNotEqualTo(before.get(i));
                    assertThat(Pm.alive(before.get(i))).as("old copy " + i + " gone").isFalse();
                    // The current spec, and the same copy number.
                    assertThat(environ(after.get(i))).contains("GREETING=new", "PM_INSTANCE=" + i + "\n");
                }
                int served = loop.served.get();
                await("served after the reload", seconds(10), () -> loop.served.get() > served + 20);

                // While a reload runs, a stop, scale or restart of the app would race it (a stop undone by the
                // replacement): each is refused in one line, and the reload goes on.
                // (The CLI retries a busy daemon for 2 s: each refusal takes that long.)
                pm.ok("update", "web", "--ready-after", "4s");
                var reloading = java.util.concurrent.CompletableFuture.supplyAsync(() -> pm.run("reload", "web"));
                Thread.sleep(500); // 3 copies, each ready after 4 s of running: under way for 12 s
                assertThat(reloading).as("the reload under way").isNotDone();
                for (var command : List.of(List.of("stop", "web"), List.of("scale", "web", "1"), List.of("restart", "web:1"))) {
                    var refused = pm.run(command.toArray(String[]::new));
                    assertThat(refused.code()).as(refused.toString()).isEqualTo(6);
                    assertThat(refused.err().strip()).doesNotContain("\n").contains("web is being reloaded; " + command.getFirst() + " it once the reload has ended");
                }
                assertThat(reloading.get(30, java.util.concurrent.TimeUnit.SECONDS).code()).isZero();
                pm.ok("update", "web", "--ready-after", "1s");
                after = pids(pm, 3);

                // A replacement that crashes: the reload stops, it is removed, the old copies go on serving.
                var failed = pm.run("reload", "web", "--env", "CRASH=1");
                assertThat(failed.code()).as(failed.toString()).isEqualTo(1);
                assertThat(failed.err().strip()).doesNotContain("\n")
                        .startsWith("pm: reload of web stopped: web's replacement crashed (exited with status 1)")
                        .endsWith("it was removed and the old copies keep serving (0 replaced)");
                assertThat(pids(pm, 3)).isEqualTo(after);
                assertThat(pm.ok("status")).doesNotContain("web:3");
                int servedAgain = loop.served.get();
                await("still served", seconds(10), () -> loop.served.get() > servedAgain + 20);
                loop.close();
                assertThat(loop.failures).isEmpty();
            }
            // Rolled back, the spec too: a later restart brings up the version that serves, not the one that failed.
            assertThat(pm.ok("describe", "web:1")).contains("GREETING=new").doesNotContain("CRASH");
            pm.ok("restart", "web:1");
            assertThat(environ(pm.pid("web:1"))).contains("GREETING=new").doesNotContain("CRASH=1");
            await("the restarted copy serves", seconds(10), () -> "running".equals(pm.state("web:1")) && SocketsIT.request(port).startsWith("instance="));
        }
    }

    @Test
    void oneCopyWithAHeldSocketReloadsWithNoFailedConnection() throws Exception {
        try (var pm = new Pm()) {
            int port = SocketsIT.freePort();
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web",
                    "--socket", "tcp://127.0.0.1:" + port, "--ready-after", "300ms");
            pm.ok("start", "web");
            await("it serves", seconds(15), () -> SocketsIT.request(port).startsWith("instance=0"));
            long before = pm.pid("web");
            try (var loop = new SocketsIT.Loop(port)) {
                await("the loop served", seconds(10), () -> loop.served.get() > 20);
                for (int i = 0; i < 3; i++) pm.ok("reload", "web");
                int served = loop.served.get();
                await("served after the reloads", seconds(10), () -> loop.served.get() > served + 20);
                loop.close();
                assertThat(loop.failures).isEmpty();
            }
            assertThat(pm.pid("web")).isNotEqualTo(before);
        }
    }

    @Test
    void copiesOnPortsOfTheirOwnAreRestartedOneAtATimeUntilHealthy() throws Exception {
        try (var pm = new Pm()) {
            int port = 18400 + (int) (ProcessHandle.current().pid() % 50) * 4;
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web", "--instances", "2", "--port", String.valueOf(port),
                    "--health-check", "/health", "--health-interval", "200ms");
            pm.ok("start", "web");
            await("both healthy", seconds(20), () -> "healthy".equals(pm.status("web:0").get("health"))
                    && "healthy".equals(pm.status("web:1").get("health")));
            var before = pids(pm, 2);
            pm.ok("reload", "web");
            var after = pids(pm, 2);
            assertThat(after.get(0)).isNotEqualTo(before.get(0));
            assertThat(after.get(1)).isNotEqualTo(before.get(1));
            // The first was healthy again before the second was touched.
            assertThat(pm.status("web:0").get("health")).isEqualTo("healthy");
            // Restarted in place, the first copy crashes: the reload stops there, and it runs again as it was.
            var failed = pm.run("reload", "web", "--env", "CRASH=1");
            assertThat(failed.code()).as(failed.toString()).isEqualTo(1);
            assertThat(failed.err()).contains("reload of web stopped: ").contains("crashed (exited with status 1)");
            await("the first copy healthy again, as it was", seconds(20), () -> "healthy".equals(pm.status("web:0").get("health")));
            assertThat(environ(pm.pid("web:0"))).doesNotContain("CRASH=1");
            assertThat(pm.pid("web:1")).as("not reached").isEqualTo(after.get(1));
            assertThat(pm.ok("describe", "web:1")).doesNotContain("CRASH");
            var bad = pm.run("reload", "nope");
            assertThat(bad.code()).isEqualTo(4);
        }
    }
}
