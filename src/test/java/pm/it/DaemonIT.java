package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pm.core.Json;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon: on-demand start, one per home, desired state across restarts, a registry that is never lost, a robust socket. */
class DaemonIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    @Test
    void daemonStopLeavesAppsRunningAndTheNextDaemonAdoptsThem() {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "up");
        pm.ok("register", sleeper, "--name", "down");
        pm.ok("start", "up");
        long pid = pm.pid("up");
        Object startedAt = pm.status("up").get("started_at");

        assertThat(pm.ok("daemon", "stop")).contains("1 app(s) keep running");
        assertThat(pm.run("daemon", "status").code()).isEqualTo(3);
        assertThat(Pm.alive(pid)).isTrue();

        // The next command starts a daemon, which adopts the running app and leaves the stopped one alone.
        assertThat(pm.pid("up")).isEqualTo(pid);
        assertThat(pm.state("up")).isEqualTo("running");
        assertThat(pm.status("up").get("reason")).isEqualTo("adopted from an earlier daemon");
        assertThat(pm.status("up").get("started_at")).as("uptime carries on").isEqualTo(startedAt);
        assertThat(pm.state("down")).isEqualTo("stopped");
        // An adopted app is stopped like any other, tree and all.
        assertThat(pm.ok("stop", "up")).contains("up: stopped");
        assertThat(Pm.alive(pid)).isFalse();
    }

    @Test
    void anAdoptedAppIsSampledAndRestartedLikeAnyOther() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app", "--restart-delay", "50ms");
        pm.ok("start", "app");
        pm.ok("daemon", "restart");
        long pid = pm.pid("app");
        assertThat(pm.status("app").get("reason")).isEqualTo("adopted from an earlier daemon");
        Pm.await("sampled", Pm.seconds(10), () -> pm.status("app").get("memory_bytes") instanceof Number);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        // Its exit status is unknown (pm is not its parent), which on-failure counts as a failure.
        Pm.await("restarted", Pm.seconds(10), () -> pm.state("app").equals("running") && pm.pid("app") != pid);
        assertThat(pm.status("app").get("restarts")).isEqualTo(1L);
        assertThat(pm.ok("describe", "app")).contains("exit status unknown");
    }

    @Test
    void aRestartReachesTheRunFileWithNoCommandToPromptIt() throws IOException {
        // No sampling: its reports would wake the engine, and this is about the engine waking by itself.
        pm.runWith(Map.of("PM_SAMPLE_INTERVAL", "0"), "daemon", "start");
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app", "--restart-delay", "0");
        pm.ok("start", "app");
        long pid = pm.pid("app");
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        // The engine puts the run file off for a moment after a restart (Engine.AFTER_RESTART); it must
        // still come, with no command to trigger it, so a daemon killed now would adopt the new run.
        long next = awaitNewRunInRunFile(pid);
        assertThat(pm.pid("app")).isEqualTo(next);
    }

    @Test
    void anAppTheNextDaemonStartsAgainIsInTheRunFileWithNoCommandToPromptIt() throws IOException {
        long pid = appLeftRunningByAStoppedDaemon();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Pm.await("the app gone", Pm.seconds(10), () -> !Pm.alive(pid));
        // The next daemon finds it gone and starts it again (on-failure: its exit status is unknown). Started
        // as a service manager would, with no command sent to it and no sampling: only the engine's own
        // step writes the new run down.
        var pb = new ProcessBuilder(Pm.ROOT.resolve("pm").toString(), "daemon", "run").directory(Pm.ROOT.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PM_HOME", pm.home.toString());
        pb.environment().put("PM_SAMPLE_INTERVAL", "0");
        var daemon = pb.start();
        try {
            awaitNewRunInRunFile(pid);
        } finally {
            pm.run("kill");
            daemon.destroyForcibly();
        }
    }

    /** Registers and starts a sleeper named app, stops the daemon, and returns the app's pid. */
    private long appLeftRunningByAStoppedDaemon() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        pm.ok("start", "app");
        long pid = pm.pid("app");
        pm.ok("daemon", "stop");
        return pid;
    }

    /** Waits, reading runs.json alone (no command), until it names a live run other than {@code old}. */
    private long awaitNewRunInRunFile(long old) {
        Path runs = pm.home.resolve("runs.json");
        Pm.await("a new run in runs.json", Pm.seconds(10), () -> {
            var next = pidIn(runs);
            return next != 0 && next != old && Pm.alive(next);
        });
        return pidIn(runs);
    }

    private static long pidIn(Path runs) {
        try {
            var m = java.util.regex.Pattern.compile("\"pid\":(\\d+)").matcher(Files.readString(runs));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void killMinusNineOfTheDaemonTouchesNoAppAndTheNextDaemonAdoptsThem() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        pm.ok("start", "app");
        long pid = pm.pid("app");
        long daemon = Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Pm.await("the daemon to die", Pm.seconds(10), () -> !Pm.alive(daemon));
        assertThat(Pm.alive(pid)).isTrue();
        assertThat(pm.pid("app")).isEqualTo(pid);
        assertThat(pm.state("app")).isEqualTo("running");
    }

    @Test
    void anAppWhoseStopWasCutShortByADaemonCrashIsStoppedByTheNextDaemon() throws IOException {
        pm.ok("register", pm.fixture("stubborn.sh").toString(), "--name", "slow", "--kill-timeout", "2s");
        pm.ok("start", "slow");
        long pid = pm.pid("slow");
        var stopping = new Thread(() -> pm.run("stop", "slow"));
        stopping.start();
        Pm.await("stopping", Pm.seconds(10), () -> pm.state("slow").equals("stopping"));
        long daemon = Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Pm.await("the old daemon gone", Pm.seconds(10), () -> !Pm.alive(daemon));
        Pm.await("stopped by the next daemon", Pm.seconds(15), () -> pm.state("slow").equals("stopped") && !Pm.alive(pid));
    }

    @Test
    void aRelativePmHomeWorks() throws IOException {
        Path rel = Pm.ROOT.resolve("target/rel-home-" + ProcessHandle.current().pid());
        try {
            var r = pm.runWith(Map.of("PM_HOME", Pm.ROOT.relativize(rel).toString()), "status");
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(rel.resolve("pm.sock")).exists();
        } finally {
            pm.runWith(Map.of("PM_HOME", rel.toString()), "kill");
            try (var files = Files.walk(rel)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void anAppThatEndedWhileNoDaemonRanIsHandledByItsPolicy() {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "keep", "--restart-policy", "on-failure");
        pm.ok("register", sleeper, "--name", "once", "--restart-policy", "never");
        pm.ok("start", "--all");
        long keep = pm.pid("keep");
        long once = pm.pid("once");
        pm.ok("daemon", "stop");
        ProcessHandle.of(keep).orElseThrow().destroyForcibly();
        ProcessHandle.of(once).orElseThrow().destroyForcibly();
        Pm.await("both gone", Pm.seconds(10), () -> !Pm.alive(keep) && !Pm.alive(once));

        var restarted = pm.status("keep");
        assertThat(restarted.get("state")).isEqualTo("running");
        assertThat(((Number) restarted.get("pid")).longValue()).isNotEqualTo(keep);
        assertThat(pm.status("once").get("state")).isEqualTo("exited");
        assertThat(pm.status("once").get("reason")).asString().contains("exit status unknown").contains("while no daemon ran");
        assertThat(pm.ok("describe", "once")).contains("exit status unknown");
    }

    @Test
    void aPidThatNowBelongsToAnotherProcessIsNeverAdopted() throws IOException {
        long pid = appLeftRunningByAStoppedDaemon();
        // Make the record point at the right pid with another start time, as a reused pid would look.
        Path runs = pm.home.resolve("runs.json");
        Files.writeString(runs, Files.readString(runs).replaceAll("\"start_time\":\\d+", "\"start_time\":1"));
        long next = pm.pid("app");
        assertThat(next).isNotEqualTo(pid);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // the one pm no longer knows about
    }

    @Test
    void homeAndSocketAreKeptPrivate() throws IOException {
        pm.ok("daemon", "start");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pm.home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pm.home.resolve("pm.sock")))).isEqualTo("rw-------");
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        pm.ok("start", "app");
        for (String file : java.util.List.of("registry.json", "runs.json", "daemon.log"))
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pm.home.resolve(file)))).as(file).isEqualTo("rw-------");
    }

    @Test
    void aSecondDaemonRefusesAndNamesThePidThatHoldsTheHome() {
        assertThat(pm.ok("daemon", "start")).contains("daemon running (pid ");
        String pid = pm.ok("daemon", "status").replaceAll("(?s).*pid (\\d+).*", "$1");
        var second = pm.run("daemon", "run");
        assertThat(second.code()).isEqualTo(10);
        assertThat(second.err()).contains("another daemon (pid " + pid + ") already serves " + pm.home);
    }

    @Test
    void aCorruptRegistryIsKeptAsideAndReported() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "a");
        pm.ok("daemon", "stop");
        Files.writeString(pm.home.resolve("registry.json"), "{\"format\":1,\"processes\":[{\"id\":0,");
        var r = pm.run("status");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("the registry was corrupt").contains("registry.json.corrupt-");
        try (var files = Files.list(pm.home)) {
            var aside = files.filter(f -> f.getFileName().toString().startsWith("registry.json.corrupt-")).findFirst().orElseThrow();
            assertThat(Files.readString(aside)).startsWith("{\"format\":1,\"processes\":[{\"id\":0,");
        }
    }

    @Test
    void oneBadRegistryEntryCostsOnlyThatEntry() throws IOException {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "good");
        pm.ok("register", sleeper, "--name", "bad");
        pm.ok("kill");
        Path registry = pm.home.resolve("registry.json");
        Files.writeString(registry, Files.readString(registry).replace("\"name\":\"bad\"", "\"name\":\"b/d\""));
        var r = pm.run("status");
        assertThat(r.out()).contains("good");
        assertThat(r.err()).contains("1 registry entry was not loaded ('b/d' (id 1): ").contains("registry.json.corrupt-");
        // It stays in the file as written, for a person to mend.
        assertThat(Files.readString(registry)).contains("\"name\":\"b/d\"");
    }

    @Test
    void aHomeOtherUsersCanWriteIsRefused() throws IOException {
        Files.setPosixFilePermissions(pm.home, PosixFilePermissions.fromString("rwxrwxrwx"));
        var r = pm.run("status");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is writable by other users").contains("chmod 700");
        Files.setPosixFilePermissions(pm.home, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aHomeAnotherUserOwnsIsRefused() throws IOException {
        Files.setAttribute(pm.home, "unix:uid", 65534);
        try {
            var r = pm.run("status");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("belongs to uid 65534, not to you");
        } finally {
            Files.setAttribute(pm.home, "unix:uid", (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }
    }

    @Test
    void aSocketOthersCanWriteIsNotTrusted() throws IOException {
        pm.ok("daemon", "start");
        Path socket = pm.home.resolve("pm.sock");
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        var r = pm.run("status");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("refusing " + socket).contains("mode 666");
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        assertThat(pm.run("status").code()).isZero();
    }

    @Test
    void environmentValuesArePassedAsTheyAreNeverThroughAShell() throws IOException {
        Path marker = pm.home.resolve("pwned");
        pm.ok("register", pm.fixture("env-dump.sh").toString(), "--name", "envy",
                "--env", "GREETING=$(touch " + marker + ") `touch " + marker + "` ; touch " + marker);
        pm.ok("start", "envy");
        Pm.await("its output", Pm.seconds(10), () -> pm.ok("logs", "envy", "--out").contains("GREETING="));
        assertThat(pm.ok("logs", "envy", "--out")).contains("GREETING=$(touch " + marker + ")");
        assertThat(marker).doesNotExist();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theStatusTableAsksOnlyForItsColumnsWhileJsonGetsEveryField() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web", "--port", "5099");
        pm.ok("start", "web");
        long pid = pm.pid("web");
        assertThat(pm.status("web").keySet()).as("docs/status-json.md").containsExactly("id", "name", "type", "state",
                "desired", "pid", "started_at", "uptime_ms", "restarts", "cpu_percent", "memory_bytes", "processes", "tracking", "health",
                "health_detail", "port", "health_check", "heartbeat_at", "restart_policy", "reason", "last_exit", "out_log", "err_log");
        var reply = Json.parseObject(send("{\"v\":1,\"cmd\":\"status\",\"args\":{\"fields\":[\"state\",\"name\"]}}\n"));
        var procs = (List<Map<String, Object>>) ((Map<String, Object>) reply.get("result")).get("processes");
        assertThat(procs.getFirst()).containsExactly(Map.entry("name", "web"), Map.entry("state", "running"));
        assertThat(pm.ok("status"))
                .containsPattern("(?m)^ID +NAME +TYPE +STATE +PID +UPTIME +RESTARTS +CPU +MEM +HEALTH +PORT$")
                .containsPattern("(?m)^0 +web +shell +running +" + pid + " +\\d+s +0 +(-|\\d+\\.\\d%) +(-|\\d+(\\.\\d)?[BKMG]) +- +5099$");
    }

    @Test
    void theDaemonAnswersBadRequestsAndKeepsServing() throws IOException {
        pm.ok("daemon", "start");
        assertThat(send("this is not json\n")).contains("\"code\":\"BAD_REQUEST\"").contains("malformed request");
        assertThat(send("{\"v\":99,\"cmd\":\"status\"}\n")).contains("\"code\":\"BAD_REQUEST\"").contains("version 99");
        assertThat(send("{\"v\":1,\"cmd\":\"explode\"}\n")).contains("unknown command 'explode'");
        assertThat(send("{\"v\":1,\"cmd\":\"register\",\"args\":{\"spec\":{\"name\":\"../x\"}}}\n")).contains("\"code\":\"INVALID\"");
        assertThat(send("x".repeat(2 << 20))).contains("request longer than");
        // A client that connects and says nothing does not block anyone else.
        try (var idle = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            idle.connect(UnixDomainSocketAddress.of(pm.home.resolve("pm.sock")));
            assertThat(pm.ok("status")).contains("no processes registered");
        }
        assertThat(Json.parseObject(send("{\"v\":1,\"cmd\":\"ping\"}\n")).get("ok")).isEqualTo(true);
        // A field of the wrong type is named, not read as text or as false.
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "ticker");
        assertThat(send("{\"v\":1,\"cmd\":\"restart\",\"args\":{\"name\":\"ticker\",\"env\":{\"A\":null}}}\n"))
                .contains("\"code\":\"BAD_REQUEST\"").contains("env.A: is null");
        assertThat(send("{\"v\":1,\"cmd\":\"restart\",\"args\":{\"name\":\"ticker\",\"env\":\"x\"}}\n"))
                .contains("\"code\":\"BAD_REQUEST\"").contains("env: expected an object");
        assertThat(send("{\"v\":1,\"cmd\":\"stop\",\"args\":{\"name\":\"ticker\",\"force\":\"yes\"}}\n"))
                .contains("\"code\":\"BAD_REQUEST\"").contains("force: expected true or false");
        assertThat(Files.readString(pm.home.resolve("registry.json"))).doesNotContain("\"A\"");
    }

    private String send(String request) throws IOException {
        try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(pm.home.resolve("pm.sock")));
            var bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) ch.write(bytes);
            } catch (IOException closedEarly) {
                // the daemon may refuse an oversized request before reading all of it
            }
            var in = ByteBuffer.allocate(64 * 1024);
            var out = new StringBuilder();
            // Up to the reply's end of line: after refusing an oversized request the daemon closes with the
            // rest unread, so a read past the reply may fail with "connection reset".
            while (out.indexOf("\n") < 0 && ch.read(in) > 0) {
                in.flip();
                out.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
            return out.toString();
        }
    }
}
