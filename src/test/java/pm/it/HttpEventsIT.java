package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The event stream and the log follow, as a dashboard uses them; a stuck client; where the HTTP side listens. */
class HttpEventsIT {
    static final Duration WAIT = Duration.ofSeconds(10);

    static long seq(Http.Event e) {
        return ((Number) e.json().get("seq")).longValue();
    }

    /** The state events up to {@code to} running, in order. */
    static List<Http.Event> statesUntilRunning(Http.Stream s) throws IOException {
        var out = new ArrayList<Http.Event>();
        for (Http.Event e; (e = s.next("state", WAIT)) != null; ) {
            out.add(e);
            if ("running".equals(e.json().get("to"))) return out;
        }
        throw new AssertionError("no state event to running; got " + out);
    }

    @Test
    void aRestartComesAsNumberedEventsAndAReconnectGetsWhatItMissed() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            pm.ok("start", "web");
            var http = Http.of(pm);
            String lastId;
            try (var s = http.stream("/api/v1/events?samples=1")) {
                assertThat(s.status).isEqualTo(200);
                var snapshot = s.next(WAIT);
                assertThat(snapshot.name()).isEqualTo("snapshot");
                assertThat(snapshot.json().get("processes").toString()).contains("name=web");
                pm.ok("restart", "web");
                var states = statesUntilRunning(s);
                assertThat(states).extracting(e -> e.json().get("from") + ">" + e.json().get("to"))
                        .containsExactly("running>stopping", "stopping>starting", "starting>running");
                long before = -1;
                for (var e : states) {
                    assertThat(seq(e)).isGreaterThan(before);
                    assertThat(e.id()).endsWith("-" + seq(e));
                    before = seq(e);
                }
                assertThat(states.getLast().json().get("pid")).isEqualTo(pm.pid("web"));
                var samples = s.next("samples", WAIT);
                assertThat(samples.id()).as("samples carry no id").isNull();
                assertThat(samples.data()).contains("\"name\":\"web\"").contains("\"memory_bytes\"");
                lastId = states.getLast().id();
            }
            // Missed while away: another restart.
            pm.ok("restart", "web");
            try (var s = new Http.Stream(http, "/api/v1/events", withLastId(http, lastId))) {
                var first = s.next(WAIT);
                assertThat(first.name()).as("no snapshot: it resumes").isEqualTo("state");
                assertThat(seq(first)).isEqualTo(Long.parseLong(lastId.substring(lastId.indexOf('-') + 1)) + 1);
                assertThat(first.json().get("to")).isEqualTo("stopping");
            }
            // An id from another daemon's run: start over.
            try (var s = new Http.Stream(http, "/api/v1/events", withLastId(http, "zzz-5"))) {
                var reset = s.next(WAIT);
                assertThat(reset.name()).isEqualTo("reset");
                assertThat(reset.json().get("reason")).isEqualTo("the daemon restarted since event zzz-5");
                assertThat(s.next(WAIT).name()).isEqualTo("snapshot");
            }
            // An id of this run that was never sent: said so, then start over.
            String boot = lastId.substring(0, lastId.indexOf('-'));
            try (var s = new Http.Stream(http, "/api/v1/events", withLastId(http, boot + "-999999"))) {
                var reset = s.next(WAIT);
                assertThat(reset.name()).isEqualTo("reset");
                assertThat((String) reset.json().get("reason")).startsWith("event " + boot + "-999999 was never sent: the last is " + boot + "-");
                assertThat(s.next(WAIT).name()).isEqualTo("snapshot");
            }
        }
    }

    static Map<String, String> withLastId(Http http, String id) {
        var h = http.auth();
        h.put("Last-Event-ID", id);
        return h;
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUpdateComesAsAnEventWithTheNewSpec() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            var http = Http.of(pm);
            try (var s = http.stream("/api/v1/events?samples=0")) {
                assertThat(s.next("snapshot", WAIT)).isNotNull();
                pm.ok("update", "web", "--restart-policy", "always");
                var updated = s.next("updated", WAIT);
                assertThat(updated).as("an updated event").isNotNull();
                assertThat(updated.json().get("name")).isEqualTo("web");
                assertThat(((Map<String, Object>) updated.json().get("process")).get("restart_policy")).isEqualTo("always");
            }
        }
    }

    @Test
    void aLogFollowEndsWhenItsAppIsUnregistered() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("ticker.sh").toString(), "--name", "web");
            pm.ok("register", pm.fixture("ticker.sh").toString(), "--name", "other");
            pm.ok("start", "--all");
            var http = Http.of(pm);
            try (var web = http.stream("/api/v1/processes/web/logs?follow=true&lines=1");
                 var other = http.stream("/api/v1/processes/other/logs?follow=true&lines=1")) {
                assertThat(web.next("line", WAIT)).isNotNull();
                pm.ok("unregister", "web");
                assertThat(web.endsWithin(Duration.ofSeconds(3))).as("the follow of the unregistered app").isTrue();
                assertThat(other.endsWithin(Duration.ofSeconds(1))).as("another app's follow").isFalse();
            }
        }
    }

    @Test
    void aLogFollowSendsTheLastLinesThenEachNewOne() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            pm.ok("start", "web");
            Pm.await("the first line", WAIT, () -> {
                try {
                    return Files.readString(pm.file("logs/web.out.log")).contains("sleeper up");
                } catch (IOException e) {
                    return false;
                }
            });
            var http = Http.of(pm);
            try (var s = http.stream("/api/v1/processes/web/logs?follow=true&lines=1&stream=out")) {
                var first = s.next("line", WAIT);
                assertThat(first.json()).containsEntry("stream", "out").containsEntry("line", "sleeper up pid=" + pm.pid("web"));
                pm.ok("restart", "web");
                var lines = new ArrayList<String>();
                for (int i = 0; i < 2; i++) lines.add((String) s.next("line", WAIT).json().get("line"));
                assertThat(lines).containsExactly("sleeper got TERM", "sleeper up pid=" + pm.pid("web"));
            }
        }
    }

    /** An app writing at full speed through several rotations: the follow sends every line once, in order. */
    @Test
    void aLogFollowLosesNothingThroughRotations() throws Exception {
        int count = 300_000;
        try (var pm = new Pm()) {
            pm.runWith(Map.of("PM_LOG_CHECK_INTERVAL", "50ms"), "daemon", "start");
            pm.ok("register", pm.fixture("numbers.py").toString(), "--name", "numbers", "--max-log-size", "64K",
                    "--log-files", "50", "--", String.valueOf(count));
            var http = Http.of(pm);
            try (var s = http.stream("/api/v1/processes/numbers/logs?follow=true&lines=0&stream=out")) {
                assertThat(s.status).isEqualTo(200);
                pm.ok("start", "numbers");
                int expected = 1;
                for (Http.Event e; ; expected++) {
                    e = s.next("line", Duration.ofSeconds(60));
                    assertThat(e).as("line " + expected).isNotNull();
                    String line = (String) e.json().get("line");
                    if (line.equals("DONE")) break;
                    if (Integer.parseInt(line) != expected) throw new AssertionError("expected line " + expected + ", got " + line);
                }
                assertThat(expected - 1).isEqualTo(count);
            }
            String record = Files.readString(pm.file("logs/numbers.out.log.cut"));
            long rotations = Long.parseLong(record.split(" ")[0].substring("seq=".length())) / 2;
            assertThat(rotations).as("rotations (how many depends on the machine's speed)").isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * Clients that never read: one on an event stream, one on the log follow of an app that writes fast. The
     * kernel's socket buffers take a few MiB (tcp_wmem); the follow fills them at once, its write blocks, and
     * the daemon cuts it off. Meanwhile restarts take as long as without them: the engine never waits for a
     * client.
     */
    @Test
    void aStuckClientIsDroppedAndDoesNotSlowARestart() throws Exception {
        try (var pm = new Pm()) {
            for (int i = 0; i < 10; i++) pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app-" + i);
            pm.ok("register", pm.fixture("paced.py").toString(), "--name", "flood", "--", "20", "4");
            pm.ok("start", "app-0");
            var http = Http.of(pm);
            long calm = medianRestartMillis(http, 5);
            try (var events = stuck(http, "/api/v1/events?samples=1"); var follow = stuck(http, "/api/v1/processes/flood/logs?follow=true&lines=0&stream=out")) {
                pm.ok("start", "--all");
                long busy = 0;
                for (int round = 0; round < 5; round++) busy = Math.max(busy, medianRestartMillis(http, 3));
                System.out.printf("restart of one app: %d ms without stuck clients, at most %d ms (median of 3) with two%n", calm, busy);
                assertThat(busy).as("a restart with stuck clients").isLessThan(calm * 3 + 100);
                Pm.await("the stuck follow cut off", Duration.ofSeconds(30), () -> dropped(http) >= 1);
                assertThat(endsSoon(follow.getInputStream())).as("its connection was closed").isTrue();
            }
            // The line follows the count (the first log line of a daemon also sets up its logging): waited for.
            Pm.await("the cut-off in daemon.log", WAIT, () -> {
                try {
                    return Files.readString(pm.file("daemon.log")).contains("cut off 1 client(s) that read nothing for 10s");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /** A client that asks for a stream and never reads it, with a small receive buffer. */
    static Socket stuck(Http http, String path) throws IOException {
        var s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", http.port));
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + http.port
                + "\r\nAuthorization: Bearer " + http.token + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        return s;
    }

    static long medianRestartMillis(Http http, int n) {
        var times = new ArrayList<Long>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            assertThat(http.post("/api/v1/processes/app-0/restart", null).status()).isEqualTo(200);
            times.add((System.nanoTime() - t) / 1_000_000);
        }
        times.sort(null);
        return times.get(n / 2);
    }

    static long dropped(Http http) {
        for (String line : http.get("/metrics").body().split("\n")) {
            if (line.startsWith("pm_daemon_http_clients_dropped_total ")) return (long) Double.parseDouble(line.split(" ")[1]);
        }
        return 0;
    }

    /** Reads what is buffered; true if the stream then ends (the daemon closed it) within a few seconds. */
    static boolean endsSoon(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aPortInUseIsOneLineAndTheDaemonRunsOnWithoutHttp() throws Exception {
        try (var taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()); var pm = new Pm()) {
            var env = Map.of("PM_HTTP_LISTEN", "127.0.0.1:" + taken.getLocalPort());
            assertThat(pm.runWith(env, "daemon", "start").code()).isZero();
            var status = pm.ok("daemon", "status");
            assertThat(status).contains("http: not serving: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use")
                    .contains("set PM_HTTP_LISTEN to another ADDR:PORT, or off");
            var log = Files.readString(pm.file("daemon.log"));
            assertThat(log.lines().filter(l -> l.contains("cannot listen")).count()).isEqualTo(1);
            pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "web");
            pm.ok("start", "web");
            assertThat(pm.state("web")).isEqualTo("running");
            var dashboard = pm.run("dashboard");
            assertThat(dashboard.code()).isEqualTo(3);
            assertThat(dashboard.err()).startsWith("pm: the daemon's HTTP side is not serving: cannot listen on");
        }
    }

    @Test
    void offAndBadSettingsAreSaid() {
        try (var pm = new Pm()) {
            pm.runWith(Map.of("PM_HTTP_LISTEN", "off"), "daemon", "start");
            assertThat(pm.ok("daemon", "status")).contains("http: off (PM_HTTP_LISTEN=off)");
            assertThat(pm.run("dashboard").err()).contains("the daemon's HTTP side is off (PM_HTTP_LISTEN=off)");
            assertThat(pm.run("token", "create", "ci").code()).as("tokens work with HTTP off").isZero();
            pm.ok("daemon", "stop");
            pm.runWith(Map.of("PM_HTTP_LISTEN", "localhost"), "daemon", "start");
            assertThat(pm.ok("daemon", "status")).contains("http: off: PM_HTTP_LISTEN=localhost: no address and port; use ADDR:PORT (127.0.0.1:9615) or off");
        }
    }

    @Test
    void dashboardSaysWhenItCannotOpenABrowser() {
        try (var pm = new Pm()) {
            pm.ok("daemon", "start");
            // Only the launcher's shell builtins are needed with the daemon running: a PATH with no browser opener.
            var r = pm.runWith(Map.of("PATH", "/nonexistent"), "dashboard", "--open");
            assertThat(r.code()).isZero();
            assertThat(r.out()).startsWith("http://127.0.0.1:");
            assertThat(r.err()).contains("pm: cannot open a browser (no xdg-open or sensible-browser on PATH); open the link above yourself");
        }
    }
}
