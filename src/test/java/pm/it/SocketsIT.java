package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** Listening sockets pm holds for an app (--socket): passed as fd 3 with LISTEN_*, never closed while the app restarts. */
class SocketsIT {
    /** One HTTP request on a new connection; the body, or why it failed. */
    static String request(int port) {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int body = reply.indexOf("\r\n\r\n");
            return body < 0 ? "failed: no reply" : reply.substring(body + 4);
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /** Requests one after another on new connections until stopped; keeps every failure. */
    static final class Loop implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger served = new AtomicInteger();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final Thread thread;

        Loop(int port) {
            thread = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    String r = request(port);
                    if (r.startsWith("instance=")) served.incrementAndGet();
                    else failures.add(r);
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    static int freePort() {
        return MonitorIT.freePort();
    }

    @Test
    void noConnectionIsRefusedThroughRestartsAndADaemonKill() throws Exception {
        try (var pm = new Pm()) {
            int port = freePort();
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web", "--instances", "2",
                    "--socket", "tcp://127.0.0.1:" + port, "--port", String.valueOf(port));
            pm.ok("start", "web");
            await("both copies serve", seconds(15), () -> Files.exists(pm.file("logs/web:1.out.log"))
                    && read(pm, "logs/web:1.out.log").contains("serving on fd 3 (tcp-" + port + ")")
                    && read(pm, "logs/web.out.log").contains("copy 0 of 2 serving on fd 3"));
            var seen = new java.util.HashSet<String>();
            for (int i = 0; i < 40 && seen.size() < 2; i++) seen.add(request(port).split(" ")[0]);
            assertThat(seen).as("the kernel spreads connections over both copies").containsExactlyInAnyOrder("instance=0", "instance=1");

            try (var loop = new Loop(port)) {
                await("the loop served", seconds(10), () -> loop.served.get() > 20);
                long before = pm.pid("web:0");
                pm.ok("restart", "web");
                assertThat(pm.pid("web:0")).isNotEqualTo(before);
                int afterRestart = loop.served.get();
                await("served after the restart", seconds(15), () -> loop.served.get() > afterRestart + 20);

                long daemon = Long.parseLong(Files.readString(pm.file("daemon.pid")).trim());
                new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
                await("the daemon gone", seconds(10), () -> !Pm.alive(daemon));
                int afterKill = loop.served.get();
                await("served with no daemon", seconds(15), () -> loop.served.get() > afterKill + 20);
                // A new daemon takes the socket back from a live copy, and a restart there refuses nothing either.
                pm.ok("restart", "web");
                int afterSecond = loop.served.get();
                await("served after the new daemon's restart", seconds(15), () -> loop.served.get() > afterSecond + 20);
                loop.close();
                assertThat(loop.failures).isEmpty();
            }
            // One socket, the same through it all: the daemon holds it beside the apps.
            var ss = new String(new ProcessBuilder("ss", "-ltnp", "sport = :" + port).start().getInputStream().readAllBytes());
            assertThat(ss.lines().filter(l -> l.contains("LISTEN")).count()).as(ss).isEqualTo(1);
            assertThat(ss).contains("java");
        }
    }

    @Test
    void bothSampleAppsServeTheSocketTheyArePassed() throws Exception {
        try (var pm = new Pm()) {
            int node = freePort(), flask = freePort();
            // Their PORT is another free port: an answer on the socket's port comes through the passed socket.
            pm.ok("register", Pm.ROOT.resolve("sample_apps/nodejs_app/app.js").toString(), "--name", "node",
                    "--socket", "tcp://127.0.0.1:" + node, "--port", String.valueOf(freePort()));
            pm.ok("register", Pm.ROOT.resolve("sample_apps/python_app/app.py").toString(), "--name", "flask",
                    "--socket", "tcp://127.0.0.1:" + flask, "--port", String.valueOf(freePort()));
            pm.ok("start", "node", "flask");
            await("node answers on the socket", seconds(20), () -> QuickStartIT.healthy(node));
            await("flask answers on the socket", seconds(30), () -> QuickStartIT.healthy(flask));
            assertThat(read(pm, "logs/node.out.log")).contains("socket passed as fd 3");
            assertThat(read(pm, "logs/flask.out.log")).contains("socket passed as fd 3");
        }
    }

    @Test
    void addressesInUseNotAllowedOrMalformedGetOneLineAndRegisterNothing() throws Exception {
        try (var pm = new Pm(); var taken = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            String script = pm.fixture("copy_server.py").toString();
            var inUse = pm.run("register", script, "--name", "web", "--socket", "tcp://127.0.0.1:" + taken.getLocalPort());
            assertThat(inUse.code()).isEqualTo(2);
            assertThat(inUse.err().strip()).doesNotContain("\n").contains("the address is in use");
            var notHere = pm.run("register", script, "--name", "web", "--socket", "tcp://192.0.2.1:8080");
            assertThat(notHere.code()).isEqualTo(2);
            assertThat(notHere.err().strip()).doesNotContain("\n").contains("no interface of this machine has that address");
            var bad = pm.run("register", script, "--name", "web", "--socket", "http://127.0.0.1:8080");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err().strip()).doesNotContain("\n").contains("is not a socket address");
            // A file, a folder or a link where a unix socket should go is someone's: refused and left as it was.
            Path file = Files.writeString(pm.home.resolve("notes.txt"), "precious\n");
            Path folder = Files.createDirectories(pm.home.resolve("a-folder"));
            Path link = Files.createSymbolicLink(pm.home.resolve("a-link"), file);
            for (var at : List.of(Map.entry(file, "a file"), Map.entry(folder, "a folder"), Map.entry(link, "a symbolic link"))) {
                var taken2 = pm.run("register", script, "--name", "web", "--socket", "unix:" + at.getKey());
                assertThat(taken2.code()).isEqualTo(2);
                assertThat(taken2.err().strip()).doesNotContain("\n").contains(at.getValue() + " is there, not a socket");
            }
            assertThat(Files.readString(file)).isEqualTo("precious\n");
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(pm.ok("list")).doesNotContain("web");
            int port = freePort();
            pm.ok("register", script, "--name", "web", "--socket", "tcp://127.0.0.1:" + port);
            var twice = pm.run("register", script, "--name", "api", "--socket", "tcp://127.0.0.1:" + port);
            assertThat(twice.code()).isEqualTo(2);
            assertThat(twice.err()).contains("is web's already");
            // Unregistered, its socket is closed: the port is free again.
            pm.ok("unregister", "web");
            try (var again = new ServerSocket(port, 10, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
        }
    }

    static String read(Pm pm, String file) {
        try {
            return Files.readString(pm.file(file));
        } catch (IOException e) {
            return "";
        }
    }
}
