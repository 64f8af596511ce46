package pm.it;

import org.junit.jupiter.api.Test;
import pm.core.Copies;
import pm.core.Json;
import pm.core.ProcessSpec;
import pm.core.ProcessType;
import pm.core.RestartPolicy;
import pm.core.Signals;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * A {@code kill -9} of the daemon at a random moment within 50 ms of a start request, on a daemon that
 * has just started (cold code, the widest window), never leaves a second copy of the app: the next daemon
 * adopts the run (from the run file, or by its mark in /proc when the run file did not name it yet)
 * instead of starting it again. 200 tries, in 4 homes at once; each try's next daemon is the next try's
 * fresh one. Every other app has 3 copies (--instances 3): each copy is found by its own mark, none runs
 * twice. The runs are counted by a tag in the app's environment that pm knows nothing of.
 */
class KillDuringStartIT {
    static final int TRIES = Integer.getInteger("pm.race.tries", 200);
    static final int LANES = 4;
    static final Duration WINDOW = Duration.ofMillis(50);

    /** What the tries of one home saw: copies of the app after the next daemon settled, how many times each. */
    record Counts(int none, int one, int more, List<String> duplicates) {}

    @Test
    void aKillMinusNineWithin50MsOfAStartNeverLeavesASecondCopy() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LANES);
        var lanes = new ArrayList<Lane>();
        var results = new ArrayList<Future<Counts>>();
        long started = System.nanoTime();
        try {
            for (int l = 0; l < LANES; l++) {
                var lane = new Lane(l, TRIES / LANES + (l < TRIES % LANES ? 1 : 0));
                lanes.add(lane);
                results.add(pool.submit(lane::run));
            }
            int none = 0, one = 0, more = 0;
            var duplicates = new ArrayList<String>();
            for (var r : results) {
                var c = r.get(5, TimeUnit.MINUTES);
                none += c.none();
                one += c.one();
                more += c.more();
                duplicates.addAll(c.duplicates());
            }
            System.out.printf("kill -9 within %d ms of a start: %d tries in %.1f s; the app ran once %d times, not at all %d times"
                            + " (killed before the start was recorded), twice or more %d times%n", WINDOW.toMillis(), none + one + more,
                    (System.nanoTime() - started) / 1e9, one, none, more);
            assertThat(none + one + more).isEqualTo(TRIES);
            assertThat(duplicates).as("tries that left a second copy").isEmpty();
            // The kills did land while starts were under way: most apps ran (the start was recorded first).
            assertThat(one).isGreaterThan(TRIES / 2);
        } finally {
            pool.shutdownNow();
            lanes.forEach(Lane::close);
        }
    }

    /** One home: a chain of daemons, each killed within the window of a start request made to it. */
    static final class Lane {
        final Pm pm = new Pm();
        final int number, tries;
        final String tag;
        final Random random;
        long daemon;

        Lane(int number, int tries) {
            this.number = number;
            this.tries = tries;
            this.tag = pm.home.getFileName().toString();
            this.random = new Random(number * 7919L + System.nanoTime());
        }

        Counts run() throws Exception {
            int none = 0, one = 0, more = 0;
            var duplicates = new ArrayList<String>();
            startDaemon();
            for (int i = 0; i < tries; i++) {
                String name = "a" + i;
                int wanted = i % 2 == 0 ? 1 : 3;
                request("register", Map.of("spec", spec(name).withCopies(new Copies(wanted, List.of(), Duration.ZERO)).toJson()), true);
                long delay = (long) (random.nextDouble() * WINDOW.toNanos());
                try (var ch = connect()) {
                    write(ch, "start", Map.of("name", name));
                    LockSupport.parkNanos(delay);
                    ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
                }
                long dead = daemon;
                await("the daemon is gone", seconds(10), () -> !Pm.alive(dead));
                startDaemon();
                // The next daemon's first step (adopt, or start what it must) is done before it answers this.
                request("status", Map.of(), true);
                var copies = copies(name);
                if (copies.isEmpty()) none++;
                else if (copies.size() == wanted && copies.values().stream().allMatch(n -> n == 1)) one++;
                else {
                    more++;
                    duplicates.add(tag + "/" + name + ": runs by copy " + copies + " (of " + wanted + ") after a kill " + delay / 1000
                            + " us after the start request");
                }
            }
            return new Counts(none, one, more, duplicates);
        }

        private ProcessSpec spec(String name) {
            return new ProcessSpec(name, ProcessType.BINARY, "/bin/sleep", List.of("1000"), "", "/",
                    Map.of("RACE_TAG", tag + "/" + name), 0, "", RestartPolicy.NEVER, 0, Duration.ZERO, Signals.SIGKILL,
                    Duration.ofSeconds(1));
        }

        /** The running processes whose environment carries the app's tag: how many runs each copy (PM_INSTANCE) has. */
        private Map<Integer, Integer> copies(String name) throws IOException {
            byte[] want = ("RACE_TAG=" + tag + "/" + name + "\0").getBytes(StandardCharsets.UTF_8);
            var n = new java.util.TreeMap<Integer, Integer>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
                for (Path p : dir) {
                    String pid = p.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit) || !Pm.alive(Long.parseLong(pid))) continue;
                    byte[] env;
                    try {
                        env = Files.readAllBytes(p.resolve("environ"));
                    } catch (IOException gone) {
                        continue;
                    }
                    if (indexOf(env, want) >= 0) n.merge(instance(env), 1, Integer::sum);
                }
            }
            return n;
        }

        private static int instance(byte[] env) {
            byte[] key = "\0PM_INSTANCE=".getBytes(StandardCharsets.UTF_8);
            int at = indexOf(env, key);
            if (at < 0) return -1;
            int from = at + key.length, to = from;
            while (to < env.length && env[to] != 0) to++;
            return Integer.parseInt(new String(env, from, to - from, StandardCharsets.UTF_8));
        }

        private static int indexOf(byte[] hay, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
                return i;
            }
            return -1;
        }

        /** Starts a daemon for the home as the CLI does, and waits until it answers. */
        private void startDaemon() throws Exception {
            var pb = new ProcessBuilder("setsid", Pm.ROOT.resolve("pm").toString(), "daemon", "run").directory(pm.home.toFile());
            pb.environment().put("PM_HOME", pm.home.toString());
            pb.redirectInput(new File("/dev/null")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(pm.home.resolve("daemon.log").toFile()));
            var process = pb.start();
            await("the daemon answers", seconds(30), () -> {
                try {
                    request("ping", Map.of(), false);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            // setsid and the launcher exec: the JVM keeps the pid.
            daemon = process.pid();
            assertThat(Files.readString(pm.home.resolve("daemon.pid")).strip()).isEqualTo(Long.toString(daemon));
        }

        private SocketChannel connect() throws IOException {
            var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(pm.home.resolve("pm.sock")));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        }

        private static void write(SocketChannel ch, String cmd, Map<String, Object> args) throws IOException {
            var bytes = ByteBuffer.wrap((Json.write(Map.of("v", 1, "cmd", cmd, "args", args)) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) ch.write(bytes);
        }

        /** Sends a request and returns its reply; {@code ok}: the reply must be a success. */
        private String request(String cmd, Map<String, Object> args, boolean ok) throws IOException {
            try (var ch = connect()) {
                write(ch, cmd, args);
                var in = ByteBuffer.allocate(64 * 1024);
                var out = new StringBuilder();
                while (out.indexOf("\n") < 0 && ch.read(in) > 0) {
                    in.flip();
                    out.append(StandardCharsets.UTF_8.decode(in));
                    in.clear();
                }
                if (ok) assertThat(out.toString()).as(cmd).contains("\"ok\":true");
                if (out.isEmpty()) throw new IOException("no reply");
                return out.toString();
            }
        }

        /** Stops the home's daemon and apps, and kills any copy pm did not track (only where the test fails). */
        void close() {
            pm.close();
            byte[] want = ("RACE_TAG=" + tag + "/").getBytes(StandardCharsets.UTF_8);
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
                for (Path p : dir) {
                    String pid = p.getFileName().toString();
                    if (!pid.chars().allMatch(Character::isDigit)) continue;
                    try {
                        if (indexOf(Files.readAllBytes(p.resolve("environ")), want) >= 0)
                            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    } catch (IOException gone) {
                        // ended
                    }
                }
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }
}
