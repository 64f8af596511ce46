package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/**
 * A slow or stuck client holds up no other: clients that never finish their headers, and actions that wait
 * out an app's kill timeout, leave an authenticated request answered at once.
 */
class HttpLoadIT {
    /** More than any fixed pool of request threads the daemon might keep. */
    static final int CLIENTS = 24;
    static final Duration PROMPT = Duration.ofMillis(1500);

    /** The time {@code GET /api/v1/processes} takes; asserts it answers 200. */
    static Duration timedList(Http http) {
        long t = System.nanoTime();
        var r = http.get("/api/v1/processes");
        var took = Duration.ofNanos(System.nanoTime() - t);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return took;
    }

    /** How many sockets the daemon holds open (its listening ones and every accepted connection). */
    static long sockets(Pm pm) {
        try (var fds = Files.list(Path.of("/proc", Files.readString(pm.home.resolve("daemon.pid")).strip(), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int stopping(Pm pm) {
        return pm.ok("status").split("stopping", -1).length - 1;
    }

    @Test
    void clientsThatNeverFinishTheirHeadersHoldUpNoOne() throws Exception {
        try (var pm = new Pm()) {
            pm.ok("daemon", "start");
            var http = Http.of(pm);
            var stuck = new ArrayList<Socket>();
            long before = sockets(pm);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    var s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", http.port), 5000);
                    s.getOutputStream().write(("GET /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + http.port + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    stuck.add(s);
                }
                await("the daemon to accept them all", seconds(5), () -> sockets(pm) >= before + CLIENTS);
                assertThat(timedList(http)).isLessThan(PROMPT);
                assertThat(timedList(http)).isLessThan(PROMPT);
            } finally {
                for (var s : stuck) s.close();
            }
        }
    }

    @Test
    void stopsThatWaitForAKillTimeoutHoldUpNoOne() throws Exception {
        try (var pm = new Pm(); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++)
                pm.ok("register", pm.fixture("stubborn.sh").toString(), "--name", "st" + i, "--kill-timeout", "8s");
            pm.ok("start", "--all");
            var http = Http.of(pm);
            var stops = new ArrayList<java.util.concurrent.Future<Http.Response>>();
            for (int i = 0; i < CLIENTS; i++) {
                String name = "st" + i;
                stops.add(pool.submit(() -> http.post("/api/v1/processes/" + name + "/stop", null)));
            }
            Pm.await("16 apps stopping", Duration.ofSeconds(5), () -> stopping(pm) >= 16);
            assertThat(timedList(http)).isLessThan(PROMPT);
            Pm.await("every app stopping", Duration.ofSeconds(5), () -> stopping(pm) == CLIENTS);
            assertThat(http.get("/api/v1/session").status()).isEqualTo(200);
            for (var f : stops) assertThat(f.get().status()).isEqualTo(200);
        }
    }
}
