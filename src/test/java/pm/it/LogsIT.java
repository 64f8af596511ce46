package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** pm logs of one app, several and all: the backlog's flags, the stream each line came from, and following through rotations. */
class LogsIT {
    final Pm pm = new Pm();
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        pm.close();
    }

    /** A running {@code pm logs ...} whose stdout lines arrive in a queue; its stderr goes to a file. */
    record Following(Process process, BlockingQueue<String> lines, Path err) {
        String next(long timeoutSeconds) throws InterruptedException {
            String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (line == null) throw new AssertionError("no line from pm logs within " + timeoutSeconds + " s");
            return line;
        }
    }

    Following follow(String... args) throws IOException {
        var cmd = new ArrayList<>(List.of(Pm.ROOT.resolve("pm").toString(), "logs"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(pm.home, "logs-err", ".txt");
        var pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().put("PM_HOME", pm.home.toString());
        pb.environment().put("NO_COLOR", "1");
        Process p = pb.start();
        started.add(p);
        var lines = new LinkedBlockingQueue<String>();
        Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l);
            } catch (IOException ended) {
                // the process was stopped
            }
        });
        return new Following(p, lines, err);
    }

    /** Registers an app that is never started, with these lines already in its logs. */
    void app(String name, String out, String err) throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", name);
        Files.createDirectories(pm.home.resolve("logs"));
        Files.writeString(pm.home.resolve("logs/" + name + ".out.log"), out);
        Files.writeString(pm.home.resolve("logs/" + name + ".err.log"), err);
    }

    @Test
    void followingEveryAppSeesEachLineOnceThroughManyRotations() throws Exception {
        int count = 1_500_000;
        pm.runWith(Map.of("PM_LOG_CHECK_INTERVAL", "50ms"), "daemon", "start");
        pm.ok("register", pm.fixture("numbers.py").toString(), "--name", "numbers", "--max-log-size", "64K",
                "--log-files", "50", "--", String.valueOf(count));
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "quiet");
        pm.ok("start", "quiet");
        var f = follow("--follow");
        String first;
        do first = f.next(20); while (!first.startsWith("quiet"));
        assertThat(first).isEqualTo("quiet   | sleeper up pid=" + pm.pid("quiet"));
        pm.ok("start", "numbers");
        int expected = 1;
        boolean tailed = false;
        for (String line; !(line = f.next(60)).equals("numbers | DONE"); ) {
            if (!line.startsWith("numbers | ")) continue;
            if (!tailed && expected > 1000) {
                // Meanwhile, the last lines while it writes at full speed: three, consecutive, and then the command ends.
                String[] last = pm.ok("logs", "numbers", "--out", "-n", "3").split("\n");
                assertThat(last).hasSize(3);
                assertThat(Integer.parseInt(last[2])).isEqualTo(Integer.parseInt(last[0]) + 2);
                tailed = true;
            }
            String n = line.substring("numbers | ".length());
            if (Integer.parseInt(n) != expected) throw new AssertionError("expected line " + expected + ", read " + line);
            expected++;
        }
        assertThat(expected - 1).isEqualTo(count);
        String record = Files.readString(pm.home.resolve("logs/numbers.out.log.cut"));
        long seq = Long.parseLong(record.split(" ")[0].substring("seq=".length()));
        assertThat(seq / 2).as("rotations (" + record.strip() + ")").isGreaterThan(20);
        assertThat(Files.readString(f.err())).as("pm logs' stderr").isEmpty();
    }

    @Test
    void followingOneLogPlainShowsEachLineWholeAndOnceThroughRotations() throws Exception {
        // One log is passed on as its bytes: reads that stop inside a line the app is still writing must
        // join up again, with no newline of pm's own (a line cut in two, or a blank line, fails the count).
        int count = 500_000;
        pm.runWith(Map.of("PM_LOG_CHECK_INTERVAL", "50ms"), "daemon", "start");
        pm.ok("register", pm.fixture("numbers.py").toString(), "--name", "numbers", "--max-log-size", "64K",
                "--log-files", "50", "--", String.valueOf(count), "4093"); // writes that end inside lines
        Files.createDirectories(pm.home.resolve("logs"));
        Files.writeString(pm.home.resolve("logs/numbers.out.log"), "before\n"); // shown: pm logs follows from there on
        var f = follow("numbers", "--out", "-f", "-n", "1");
        assertThat(f.next(20)).isEqualTo("before");
        pm.ok("start", "numbers");
        int expected = 1;
        for (String line; !(line = f.next(60)).equals("DONE"); expected++) {
            if (!line.equals("%09d".formatted(expected))) throw new AssertionError("expected line " + expected + ", read '" + line + "'");
        }
        assertThat(expected - 1).isEqualTo(count);
        String record = Files.readString(pm.home.resolve("logs/numbers.out.log.cut"));
        long seq = Long.parseLong(record.split(" ")[0].substring("seq=".length()));
        assertThat(seq / 2).as("rotations (" + record.strip() + ")").isGreaterThanOrEqualTo(2); // how many depends on the writer's pace against the checks
        assertThat(Files.readString(f.err())).as("pm logs' stderr").isEmpty();
    }

    @Test
    void withOneAppAndBothStreamsEachLineIsShownUnderItsStream() throws Exception {
        pm.ok("register", pm.fixture("both.py").toString(), "--name", "both", "--", "300");
        var f = follow("both", "-f");
        pm.ok("start", "both");
        int out = 0, err = 0;
        while (out < 301 || err < 301) {
            String line = f.next(30);
            if (line.startsWith("both | ")) {
                out++;
                assertThat(line).isEqualTo("both | " + (out <= 300 ? "out " + out : "done"));
            } else {
                err++;
                assertThat(line).isEqualTo("both ! " + (err <= 300 ? "err " + err : "done"));
            }
        }
    }

    @Test
    void tailGrepOutErrAndSeveralNames() throws Exception {
        app("web", "w1\nw2\nERROR w3\nw4\n", "we1\nERROR we2\n");
        app("worker", "k1\nk2\n", "");
        app("db", "d1\n", "de1\n");
        assertThat(pm.ok("logs", "web", "--out", "--tail", "2")).isEqualTo("ERROR w3\nw4\n");
        assertThat(pm.ok("logs", "web", "--err", "-n", "1")).isEqualTo("ERROR we2\n");
        assertThat(pm.ok("logs", "web", "worker", "--lines", "1")).isEqualTo("""
                web    | w4
                web    ! ERROR we2
                worker | k2
                """);
        assertThat(pm.ok("logs", "worker", "web", "--out", "-n1")).isEqualTo("worker | k2\nweb    | w4\n");
        String all = pm.ok("logs", "-n", "1");
        assertThat(all).contains("web    | w4\n", "web    ! ERROR we2\n", "worker | k2\n", "db     | d1\n", "db     ! de1\n");
        assertThat(pm.ok("logs", "all", "-n", "1")).isEqualTo(all);
        assertThat(pm.ok("logs", "--grep", "ERROR")).isEqualTo("web    | ERROR w3\nweb    ! ERROR we2\n");
        assertThat(pm.ok("logs", "web", "--out", "--grep", "^w[0-9]$", "-n", "1")).isEqualTo("w4\n");
        var unknown = pm.run("logs", "web", "nosuch");
        assertThat(unknown.code()).isEqualTo(4);
        assertThat(unknown.err()).contains("nosuch");
        assertThat(pm.run("logs", "--grep", "(").err()).contains("bad --grep '('");
        assertThat(pm.run("logs", "-x").code()).isEqualTo(2);
    }

    @Test
    void sinceReadsTheTimestampsTheAppWrites() throws Exception {
        var now = LocalDateTime.now().withNano(0);
        String recent = now.minusMinutes(2).toString().replace('T', ' ');
        app("web", "2020-01-01 10:00:00 old\n  old detail\n" + recent + " new\n  new detail\n", "undated\n");
        var r = pm.run("logs", "web", "--since", "10m");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("web | " + recent + " new\nweb |   new detail\nweb ! undated\n");
        assertThat(r.err()).contains("no timestamps", "web's stderr");
        assertThat(pm.ok("logs", "web", "--out", "--since", "2020-01-01 09:00", "-n", "1")).isEqualTo("  new detail\n");
        assertThat(pm.ok("logs", "web", "--out", "--since", now.plusMinutes(1).toLocalTime().toString().substring(0, 5)))
                .isEmpty();
        var bad = pm.run("logs", "--since", "soon");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("bad --since 'soon'");
    }

    @Test
    void followingEveryAppPicksUpAnAppStartedMeanwhile() throws Exception {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "early");
        pm.ok("start", "early");
        var f = follow("-f");
        assertThat(f.next(20)).startsWith("early | sleeper up");
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "late");
        pm.ok("start", "late");
        String line;
        do line = f.next(20); while (!line.startsWith("late"));
        assertThat(line).isEqualTo("late  | sleeper up pid=" + pm.pid("late"));
        await("pm logs still running", seconds(1), f.process()::isAlive);
    }
}
