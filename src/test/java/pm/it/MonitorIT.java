package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** The monitor with real fixtures: CPU and memory sampling, health checks, heartbeats, --max-memory. */
class MonitorIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private void register(String name, String fixture, String... flags) {
        var args = new ArrayList<>(List.of("register", pm.fixture(fixture).toString(), "--name", name, "--restart-delay", "50ms"));
        args.addAll(List.of(flags));
        pm.ok(args.toArray(String[]::new));
    }

    static int freePort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path healthApp(String name, String policy, String... flags) {
        Path mode = pm.file(name + ".mode");
        var all = new ArrayList<>(List.of("--port", String.valueOf(freePort()), "--health-check", "/health",
                "--health-interval", "200ms", "--health-timeout", "500ms", "--health-retries", "2",
                "--restart-policy", policy, "--env", "HEALTH_FILE=" + mode));
        all.addAll(List.of(flags));
        register(name, "health_app.py", all.toArray(String[]::new));
        pm.ok("start", name);
        await(name + " healthy", seconds(15), () -> pm.state(name).equals("running") && health(name).equals("healthy"));
        return mode;
    }

    private String health(String name) {
        return (String) pm.status(name).get("health");
    }

    private long restarts(String name) {
        return (Long) pm.status(name).get("restarts");
    }

    @Test
    void anAppWhoseHealthTurnsTo500IsRestarted() throws IOException {
        Path mode = healthApp("web", "on-failure");
        long pid = pm.pid("web");
        assertThat(pm.ok("status")).containsPattern("web +python +running .* healthy");
        Files.writeString(mode, "500");
        await("a restart", seconds(15), () -> restarts("web") >= 1);
        Files.writeString(mode, "ok");
        await("healthy again", seconds(15), () -> pm.state("web").equals("running") && health("web").equals("healthy"));
        assertThat(pm.pid("web")).isNotEqualTo(pid);
        assertThat(pm.ok("describe", "web")).contains("health check failed 2 times in a row: HTTP 500");
    }

    @Test
    void withPolicyNeverAnUnhealthyAppStaysUp() throws IOException {
        Path mode = healthApp("web", "never");
        long pid = pm.pid("web");
        Files.writeString(mode, "500");
        await("unhealthy", seconds(15), () -> health("web").equals("unhealthy"));
        assertThat(pm.state("web")).isEqualTo("running");
        assertThat(pm.pid("web")).isEqualTo(pid);
        assertThat(pm.status("web").get("reason")).asString().contains("unhealthy").contains("policy never");
        Files.writeString(mode, "ok");
        await("healthy again", seconds(15), () -> health("web").equals("healthy"));
    }

    @Test
    void aHungEndpointCostsOneTimeoutAndNothingElse() throws IOException {
        Path mode = healthApp("web", "never");
        Files.writeString(mode, "hang");
        await("unhealthy", seconds(15), () -> health("web").equals("unhealthy"));
        assertThat(pm.status("web").get("health_detail")).asString().contains("no answer within 500ms");
        // The daemon still answers at once.
        long started = System.nanoTime();
        pm.ok("status");
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2000);
    }

    @Test
    void anEndpointThatSendsHeadersAndThenStallsAlsoTimesOut() throws IOException {
        Path mode = healthApp("web", "never");
        Files.writeString(mode, "stall");
        await("unhealthy", seconds(15), () -> health("web").equals("unhealthy"));
        assertThat(pm.status("web").get("health_detail")).asString().contains("no answer within 500ms");
        Files.writeString(mode, "ok");
        await("healthy again: the stalled probe did not block the next ones", seconds(15), () -> health("web").equals("healthy"));
    }

    @Test
    void aHeartbeatTimeoutUnderASecondWorks() {
        register("beater", "beater.py", "--heartbeat-timeout", "900ms");
        pm.ok("start", "beater");
        await("healthy by heartbeat", seconds(10), () -> health("beater").equals("healthy"));
        long pid = pm.pid("beater");
        Pm.stays("healthy, never restarted", Duration.ofSeconds(3), () -> pm.pid("beater") == pid && health("beater").equals("healthy"));
    }

    /**
     * An app that finishes its open connections before it exits (Python's threading server, many others)
     * stops at once: the health check leaves no idle connection open for it to wait on until the kill.
     */
    @Test
    void healthChecksLeaveNoConnectionThatHoldsUpAGracefulStop() {
        register("web", "copy_server.py", "--port", String.valueOf(freePort()), "--health-check", "/health",
                "--health-interval", "200ms");
        pm.ok("start", "web");
        await("web healthy", seconds(15), () -> health("web").equals("healthy"));
        await("a few more checks", seconds(5), () -> pm.ok("describe", "web").contains("HTTP 200"));
        long started = System.nanoTime();
        pm.ok("stop", "web");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(pm.status("web").get("reason")).as("stopped in " + tookMs + " ms").isNotEqualTo("killed by SIGKILL");
        assertThat(tookMs).isLessThan(5000);
    }

    @Test
    void aTcpCheckAndACommandCheckWork() {
        int port = freePort();
        register("tcp", "health_app.py", "--port", String.valueOf(port), "--health-check", "tcp://127.0.0.1:" + port);
        register("cmd", "sleeper.sh", "--health-check", "cmd:test -d /tmp");
        pm.ok("start", "--all");
        await("both healthy", seconds(15), () -> health("tcp").equals("healthy") && health("cmd").equals("healthy"));
        assertThat(pm.status("cmd").get("health_detail")).asString().startsWith("command exited 0");
    }

    @Test
    void anAppThatStopsBeatingIsRestarted() {
        register("beater", "beater.py", "--heartbeat-timeout", "1500ms", "--env", "BEAT_FOR=1");
        pm.ok("start", "beater");
        await("a first heartbeat", seconds(10), () -> pm.status("beater").get("heartbeat_at") != null);
        await("a restart for silence", seconds(15), () -> restarts("beater") >= 1);
        assertThat(pm.ok("describe", "beater")).contains("no heartbeat for");
    }

    @Test
    void anAppWhoseHeartbeatsStopStaysUnhealthyWhileItsProbePasses() {
        register("beater", "beater.py", "--heartbeat-timeout", "1500ms", "--env", "BEAT_FOR=1",
                "--health-check", "cmd:true", "--health-interval", "300ms", "--restart-policy", "never");
        pm.ok("start", "beater");
        await("a first heartbeat", seconds(10), () -> pm.status("beater").get("heartbeat_at") != null);
        await("unhealthy for silence", seconds(15), () -> health("beater").equals("unhealthy"));
        assertThat(pm.status("beater").get("health_detail")).asString().startsWith("no heartbeat for");
        long pid = pm.pid("beater");
        // Health is probe and heartbeats together: passing probes do not make it healthy again.
        Pm.stays("unhealthy while the probe passes", Duration.ofSeconds(2),
                () -> health("beater").equals("unhealthy") && pm.pid("beater") == pid);
    }

    @Test
    void anAppThatNeverBeatsIsLeftAlone() {
        register("quiet", "sleeper.sh", "--heartbeat-timeout", "300ms");
        pm.ok("start", "quiet");
        long pid = pm.pid("quiet");
        Pm.stays("running, never restarted", Duration.ofMillis(1500),
                () -> pm.state("quiet").equals("running") && pm.pid("quiet") == pid);
        assertThat(restarts("quiet")).isZero();
    }

    @Test
    void theSeedsPythonSnippetKeepsItsAppHealthy() {
        register("beater", "beater.py", "--heartbeat-timeout", "3s");
        pm.ok("start", "beater");
        await("healthy by heartbeat", seconds(10), () -> health("beater").equals("healthy"));
        long pid = pm.pid("beater");
        Pm.stays("healthy, same run", Duration.ofSeconds(4),
                () -> pm.pid("beater") == pid && health("beater").equals("healthy"));
    }

    @Test
    void aBeatSentTheMomentARestartedAppStartsIsAccepted() {
        // Each run beats at once with its new secret: the engine must know that secret before the app can
        // send it, even while it puts its run file off after the restart (Engine.AFTER_RESTART).
        pm.ok("register", pm.fixture("beat-then-exit.sh").toString(), "--name", "beat", "--restart-delay", "0",
                "--heartbeat-timeout", "30s");
        pm.ok("start", "beat");
        await("three restarts", seconds(15), () -> ((Number) pm.status("beat").get("restarts")).longValue() >= 3);
        assertThat(pm.ok("describe", "beat")).contains("heartbeat   last").doesNotContain("rejected");
    }

    @Test
    void aHeartbeatWithTheWrongSecretIsIgnoredAndCounted() throws IOException {
        register("quiet", "sleeper.sh");
        pm.ok("start", "quiet");
        int port = Integer.parseInt(Files.readString(pm.home.resolve("heartbeat.port")).strip());
        long id = (Long) pm.status("quiet").get("id");
        byte[] forged = ("PMHB1 " + id + " 0123456789abcdef0123456789abcdef").getBytes(StandardCharsets.US_ASCII);
        try (var socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), port));
        }
        await("the rejection counted", seconds(5), () -> pm.ok("describe", "quiet").contains("1 rejected"));
        assertThat(pm.status("quiet").get("heartbeat_at")).isNull();
        assertThat(health("quiet")).isEqualTo("none");
    }

    @Test
    void anAppCannotBeatForAnotherWithItsOwnSecret() throws IOException {
        register("a", "env-dump.sh");
        register("b", "sleeper.sh");
        pm.ok("start", "--all");
        // The secret pm gave app a, used with app b's id: rejected.
        String secret = Files.readString(Path.of("/proc/" + pm.pid("a") + "/environ")).split("PM_HEARTBEAT_SECRET=")[1].split("\0")[0];
        int port = Integer.parseInt(Files.readString(pm.home.resolve("heartbeat.port")).strip());
        byte[] beat = ("PMHB1 " + pm.status("b").get("id") + " " + secret).getBytes(StandardCharsets.US_ASCII);
        try (var socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(beat, beat.length, InetAddress.getLoopbackAddress(), port));
        }
        await("the rejection counted", seconds(5), () -> pm.ok("describe", "b").contains("1 rejected"));
        assertThat(pm.status("b").get("heartbeat_at")).isNull();
    }

    @Test
    void aCpuBurnerReadsWhatTheKernelCounts() {
        register("burn", "burn.py");
        pm.ok("start", "burn");
        long pid = pm.pid("burn");
        // Near 100 % of a core on an idle machine; on a busy one the burner gets less, and pm must say so:
        // its reading is compared with the burner's CPU time counted by the kernel over the last second.
        await("cpu as the kernel counts it", seconds(20), () -> {
            double truth = cpuPercentOverOneSecond(pid);
            return truth > 20 && pm.status("burn").get("cpu_percent") instanceof Number n
                    && Math.abs(n.doubleValue() - truth) < 25;
        });
        assertThat(((Number) pm.status("burn").get("cpu_percent")).doubleValue()).isLessThan(130);
    }

    /** utime + stime of the process over one second, from /proc/PID/stat, as a percentage of one core. */
    private static double cpuPercentOverOneSecond(long pid) {
        try {
            long before = cpuTicks(pid);
            long start = System.nanoTime();
            Thread.sleep(1000);
            long ticks = cpuTicks(pid) - before;
            return ticks * 100.0 / 100 / ((System.nanoTime() - start) / 1e9); // USER_HZ is 100 on Linux
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
    }

    @Test
    void anAppHolding200MbReadsAboutThat() {
        register("alloc", "alloc.py", "--", "200");
        pm.ok("start", "alloc");
        await("memory sampled", seconds(15), () -> pm.status("alloc").get("memory_bytes") instanceof Number n
                && n.longValue() > 200L << 20);
        long bytes = ((Number) pm.status("alloc").get("memory_bytes")).longValue();
        assertThat(bytes).isBetween(200L << 20, 240L << 20);
        assertThat(pm.ok("status")).containsPattern("alloc .* 2\\d\\d\\.\\dM");
    }

    /** Starts wake.py MB under this name, with these flags; returns its runs file once it has started. */
    private Path restingApp(String name, int mb, String... flags) {
        Path runs = pm.file(name + ".runs");
        var args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("--", runs.toString(), String.valueOf(mb)));
        register(name, "wake.py", args.toArray(String[]::new));
        pm.ok("start", name);
        await(name + " started", seconds(10), () -> lines(runs) == 1);
        return runs;
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void wake(long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-USR1", String.valueOf(pid)).start().waitFor()).isZero();
    }

    @Test
    void atRestStatusShowsFiguresNoOlderThanTheSamplingPeriod() throws Exception {
        restingApp("rest", 150);
        long pid = pm.pid("rest");
        // Long enough for the daemon to sample at rest (every 10 periods) with no command to prompt it.
        Pm.stays("the app at rest", seconds(3), () -> ProcessHandle.of(pid).isPresent());
        wake(pid);
        Path out = pm.home.resolve("logs").resolve("rest.out.log");
        await("it holds its memory", seconds(10), () -> Files.exists(out) && read(out).contains("holding"));
        long held = System.nanoTime();
        await("one sampling period", seconds(2), () -> System.nanoTime() - held > 1_100_000_000L);
        // The first status after a period shows the memory: sampled for it, not at the next sample at rest.
        assertThat(((Number) pm.status("rest").get("memory_bytes")).longValue()).isGreaterThan(150L << 20);
    }

    @Test
    void aMemoryLimitIsCheckedEveryPeriodWhileTheDaemonRests() throws Exception {
        Path runs = restingApp("limited", 150, "--max-memory", "100M");
        long pid = pm.pid("limited");
        // No command meanwhile: a status would sample the app itself.
        Pm.stays("the app at rest", seconds(3), () -> lines(runs) == 1);
        wake(pid);
        await("a restart for memory within a few periods", seconds(4), () -> lines(runs) == 2);
        assertThat(pm.ok("describe", "limited")).contains("above --max-memory 100.0M");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void maxMemoryRestartsAGrowingApp() {
        register("leaky", "alloc.py", "--max-memory", "120M", "--", "10", "20");
        pm.ok("start", "leaky");
        await("a restart for memory", seconds(20), () -> restarts("leaky") >= 1);
        assertThat(pm.ok("describe", "leaky")).contains("above --max-memory 120.0M");
    }
}
