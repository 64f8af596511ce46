package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * The reliability suite (docs/reliability.md): load and faults that must leave the daemon serving, the
 * registry whole and no process behind. Every scenario uses the real daemon and real processes.
 */
class ReliabilityIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    private long daemonPid() {
        try {
            return Long.parseLong(Files.readString(pm.home.resolve("daemon.pid")).strip());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(Path dir) {
        try (var s = Files.list(dir)) {
            return s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The daemon's children that are zombies: exits it has not reaped. */
    private static List<Long> zombieChildren(long daemon) {
        var out = new ArrayList<Long>();
        try (var s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[0].equals("Z") && Long.parseLong(f[1]) == daemon) out.add(Long.parseLong(name));
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void aThousandCrashAndRestartCyclesLeaveNoZombieAndNoGrowth() {
        // 100 apps that crash at once, each restarted 10 times before pm gives up: 1000 restarts.
        for (int i = 0; i < 100; i++) {
            pm.ok("register", pm.fixture("exit-with.sh").toString(), "--name", "crash" + i, "--restart-policy", "always",
                    "--max-restarts", "10", "--restart-delay", "10ms", "--", "1", "0");
        }
        long daemon = daemonPid();
        Path fds = Path.of("/proc/" + daemon + "/fd");
        Path tasks = Path.of("/proc/" + daemon + "/task");
        long fdsBefore = count(fds);
        long threadsBefore = count(tasks);
        long rssBefore = rss(daemon);
        pm.ok("start", "--all");
        await("every app to give up", seconds(120), () -> {
            var out = pm.ok("status", "--json");
            return !out.contains("\"state\":\"running\"") && !out.contains("\"state\":\"backoff\"")
                    && !out.contains("\"state\":\"starting\"");
        });
        assertThat(pm.ok("status", "--json")).doesNotContain("\"restarts\":9,").contains("\"restarts\":10,");
        assertThat(zombieChildren(daemon)).isEmpty();
        await("fds back to where they were", seconds(30), () -> count(fds) <= fdsBefore + 2);
        // The JDK's reaper threads linger a while after their process ended.
        await("threads back to where they were", seconds(90), () -> count(tasks) <= threadsBefore + 4);
        assertThat(rss(daemon)).isLessThan(rssBefore + (40L << 20));
    }

    @Test
    void fiftyCommandsAtOnceAllAnswerAndLeaveAConsistentRegistry() throws Exception {
        String sleeper = pm.fixture("sleeper.sh").toString();
        for (int i = 0; i < 10; i++) pm.ok("register", sleeper, "--name", "pre" + i);
        for (int i = 5; i < 10; i++) pm.ok("start", "pre" + i);
        var pool = Executors.newFixedThreadPool(50);
        var results = new ArrayList<Future<Pm.Result>>();
        var commands = new ArrayList<List<String>>();
        for (int i = 0; i < 20; i++) commands.add(List.of("register", sleeper, "--name", "new" + i));
        for (int i = 0; i < 10; i++) commands.add(List.of("start", "pre" + i));
        for (int i = 0; i < 10; i++) commands.add(List.of("stop", "pre" + ((i + 5) % 10)));
        for (int i = 0; i < 10; i++) commands.add(List.of("status", "--json"));
        for (var c : commands) results.add(pool.submit(() -> pm.run(c)));
        for (int i = 0; i < commands.size(); i++) {
            var r = results.get(i).get();
            assertThat(r.code()).as(commands.get(i) + " -> " + r).isZero();
        }
        pool.shutdown();
        var list = pm.ok("list", "--json");
        for (int i = 0; i < 20; i++) assertThat(list).contains("\"name\":\"new" + i + "\"");
        // Every process is in a settled state that its last command explains.
        var status = pm.ok("status", "--json");
        assertThat(status).doesNotContain("\"state\":\"stopping\"").doesNotContain("\"state\":\"starting\"");
        assertThat(Json.parseObject(pm.ok("list", "--json")).get("processes")).asList().hasSize(30);
    }

    @Test
    void killMinusNineDuringRegisterTrafficNeverCorruptsTheRegistryOrLosesAnAcknowledgedChange() throws Exception {
        String sleeper = pm.fixture("sleeper.sh").toString();
        var acknowledged = ConcurrentHashMap.<String>newKeySet();
        var unregistered = ConcurrentHashMap.<String>newKeySet();
        var writer = Executors.newSingleThreadExecutor();
        var traffic = writer.submit(() -> {
            for (int i = 0; i < 90; i++) {
                String name = "r" + i;
                if (pm.run("register", sleeper, "--name", name).code() == 0) acknowledged.add(name);
                if (i % 3 == 0 && acknowledged.contains(name) && pm.run("unregister", name).code() == 0) {
                    acknowledged.remove(name);
                    unregistered.add(name);
                }
            }
            return null;
        });
        var killed = new java.util.HashSet<Long>();
        for (int k = 0; k < 3; k++) {
            await("some traffic", seconds(30), () -> acknowledged.size() > 5 * (killed.size() + 1));
            // A SIGKILLed daemon leaves its pid file: wait for a new, live daemon before the next kill.
            await("a new daemon", seconds(30), () -> {
                try {
                    long pid = daemonPid();
                    return !killed.contains(pid) && Pm.alive(pid);
                } catch (IllegalStateException | NumberFormatException replaced) {
                    return false;
                }
            });
            long pid = daemonPid();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            killed.add(pid);
        }
        assertThat(killed).hasSize(3);
        traffic.get();
        writer.shutdown();
        String registry = Files.readString(pm.home.resolve("registry.json"));
        var names = new ArrayList<String>();
        for (Object o : (List<?>) Json.parseObject(registry).get("processes"))
            names.add((String) ((Map<?, ?>) ((Map<?, ?>) o).get("spec")).get("name"));
        // Every acknowledged registration is there, every acknowledged unregistration is gone; a request
        // the daemon died in the middle of may have gone either way.
        assertThat(names).containsAll(acknowledged);
        for (String gone : unregistered) assertThat(names).doesNotContain(gone);
        for (String n : names) assertThat(n).startsWith("r");
    }

    @Test
    void aThousandProcessesFitInOneStatusReply() throws IOException {
        pm.ok("daemon", "start");
        String script = pm.fixture("sleeper.sh").toString();
        // Registered straight over the socket: a thousand JVM starts would take a minute.
        for (int i = 0; i < 1000; i++) {
            String spec = "{\"name\":\"p" + i + "\",\"type\":\"shell\",\"script\":\"" + script + "\",\"cwd\":\"/tmp\"}";
            String reply = send("{\"v\":1,\"cmd\":\"register\",\"args\":{\"spec\":" + spec + "}}\n");
            assertThat(reply).contains("\"ok\":true");
        }
        var status = Json.parseObject(pm.ok("status", "--json"));
        assertThat((List<?>) status.get("processes")).hasSize(1000);
        assertThat(pm.ok("list")).contains("p999");
    }

    private String send(String request) throws IOException {
        try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(pm.home.resolve("pm.sock")));
            var out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) ch.write(out);
            var in = ByteBuffer.allocate(64 * 1024);
            var text = new StringBuilder();
            while (ch.read(in) > 0) {
                in.flip();
                text.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
                if (text.toString().endsWith("\n")) break;
            }
            return text.toString();
        }
    }

    @Test
    void garbageOnTheSocketIsAnsweredOrDroppedAndTheDaemonKeepsServing() throws IOException {
        pm.ok("daemon", "start");
        var random = new Random(42);
        Path socket = pm.home.resolve("pm.sock");
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(2000)];
            random.nextBytes(junk);
            try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(junk));
                if (i % 2 == 0) ch.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)));
                ch.shutdownOutput();
                ch.read(ByteBuffer.allocate(4096));
            } catch (IOException dropped) {
                // dropped is an answer too
            }
        }
        // Truncated JSON, a request that stops mid-way, a huge one.
        for (String bad : List.of("{\"v\":1,\"cmd\":\"sta", "{\"v\":1,\"cmd\":\"status\",\"args\":{\"name\":", "[1,2,3]\n", "null\n")) {
            try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(bad.getBytes(StandardCharsets.UTF_8)));
                ch.shutdownOutput();
                ch.read(ByteBuffer.allocate(4096));
            }
        }
        assertThat(pm.ok("status")).contains("no processes registered");
        assertThat(pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "still-fine")).contains("registered");
    }

    @Test
    void aFullDiskGivesAClearErrorAndLosesNoRegisteredProcess() throws Exception {
        Assumptions.assumeTrue(mount("-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", pm.home.toString()), "needs root to mount a tmpfs");
        try {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "kept");
            // Fill the disk.
            Path filler = pm.home.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] block = new byte[64 * 1024];
                while (true) out.write(block);
            } catch (IOException full) {
                // the disk is full
            }
            var r = pm.run("register", pm.fixture("sleeper.sh").toString(), "--name", "nospace");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("pm: cannot write the registry").contains("nothing was changed");
            assertThat(pm.ok("list")).contains("kept").doesNotContain("nospace");
            Files.delete(filler);
            assertThat(pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "nospace")).contains("registered");
        } finally {
            pm.run("kill");
            mount("-l", pm.home.toString(), "UMOUNT");
        }
    }

    /**
     * An app's log fills the disk; the daemon is stopped; then status, stop and kill each start a daemon on
     * the full disk and work. The last start needs a new copy of the jar (it changed), which cannot be
     * made: the daemon runs from the build's jar, and the failed copy leaves nothing behind.
     */
    @Test
    void aDaemonStartsOnAFullDiskAndStatusStopAndKillWork() throws Exception {
        Assumptions.assumeTrue(mount("-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", pm.home.toString()), "needs root to mount a tmpfs");
        try {
            pm.ok("register", pm.fixture("filler.py").toString(), "--name", "filler", "--max-log-size", "0");
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "other");
            pm.ok("start", "--all");
            long other = pm.pid("other");
            await("a full disk", seconds(30), () -> usable(pm.home) == 0);
            pm.ok("daemon", "stop");
            var status = pm.run("status");
            assertThat(status.code()).as(status.toString()).isZero();
            assertThat(status.out()).contains("filler").contains("running");
            var stop = pm.run("stop", "filler");
            assertThat(stop.code()).as(stop.toString()).isZero();
            assertThat(pm.state("filler")).isEqualTo("stopped");
            assertThat(usable(pm.home)).isZero();
            pm.ok("daemon", "stop");
            // A changed jar (an upgrade), changed in place: the disk stays full.
            try (var jar = new java.io.RandomAccessFile(pm.home.resolve("daemon.jar").toFile(), "rw")) {
                jar.seek(jar.length() - 1);
                jar.write(jar.read() ^ 1);
            }
            var kill = pm.run("kill");
            assertThat(kill.code()).as(kill.toString()).isZero();
            assertThat(kill.out()).contains("stopped 1 app(s)");
            assertThat(Pm.alive(other)).isFalse();
            try (var files = Files.list(pm.home)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("daemon.jar."));
            }
        } finally {
            pm.run("kill");
            mount("-l", pm.home.toString(), "UMOUNT");
        }
    }

    private static long usable(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void aReadOnlyHomeGivesAClearErrorAndLosesNoRegisteredProcess() {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "kept");
        Assumptions.assumeTrue(mount("--bind", pm.home.toString(), pm.home.toString())
                && mount("-o", "remount,bind,ro", pm.home.toString()), "needs root to remount read-only");
        try {
            var r = pm.run("register", pm.fixture("sleeper.sh").toString(), "--name", "readonly");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("pm: cannot write the registry").contains("Read-only file system");
            assertThat(pm.ok("list")).contains("kept").doesNotContain("readonly");
        } finally {
            mount("-l", pm.home.toString(), "UMOUNT");
        }
        assertThat(pm.ok("list")).contains("kept");
    }

    /** Runs mount (or umount, when the last argument is UMOUNT); false if it is not allowed here. */
    private static boolean mount(String... args) {
        var cmd = new ArrayList<String>();
        boolean umount = args[args.length - 1].equals("UMOUNT");
        cmd.add(umount ? "umount" : "mount");
        cmd.addAll(List.of(args).subList(0, umount ? args.length - 1 : args.length));
        try {
            var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
