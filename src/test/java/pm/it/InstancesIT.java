package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static pm.it.Pm.await;
import static pm.it.Pm.seconds;

/** Several copies of one app: each its own PM_INSTANCE, port, pid, logs and health; scaled live; named web or web:1. */
class InstancesIT {
    /**
     * One GET on a connection of its own, closed after the answer: a client that kept it alive would hold
     * up the copy's graceful stop (it finishes open connections) until the kill timeout.
     */
    static String get(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = answer.indexOf("\r\n\r\n");
            return answer.startsWith("HTTP/1.1 200") && body >= 0 ? answer.substring(body + 4) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static List<String> names(Pm pm) {
        var out = new ArrayList<String>();
        for (var line : pm.ok("status").split("\n")) if (line.contains(" web")) out.add(line.trim().split("\\s+")[1]);
        return out;
    }

    @Test
    void copiesGetTheirOwnNumberPortPidLogsAndHealthAndScaleLive() throws Exception {
        try (var pm = new Pm()) {
            int port = 18200 + (int) (ProcessHandle.current().pid() % 50) * 10; // the copies take port .. port+4
            pm.ok("register", pm.fixture("copy_server.py").toString(), "--name", "web", "--instances", "3", "--port", String.valueOf(port),
                    "--health-check", "/health", "--health-interval", "200ms");
            pm.ok("start", "web");
            for (int i = 0; i < 3; i++) {
                int copy = i;
                await("copy " + i + " answers on its port", seconds(15), () -> get(port + copy).startsWith("instance=" + copy + " "));
            }
            assertThat(names(pm)).containsExactly("web:0", "web:1", "web:2");
            await("every copy healthy", seconds(15), () -> List.of("web:0", "web:1", "web:2").stream()
                    .allMatch(n -> "healthy".equals(pm.status(n).get("health"))));
            var pids = List.of(pm.pid("web:0"), pm.pid("web:1"), pm.pid("web:2"));
            assertThat(pids).doesNotHaveDuplicates();
            assertThat(get(port + 1)).contains("pid=" + pids.get(1));
            assertThat(Files.readString(pm.file("logs/web:1.out.log"))).contains("copy 1 of 3 serving on port " + (port + 1));
            assertThat(Files.readString(pm.file("logs/web.out.log"))).contains("copy 0 of 3");

            // One copy by its name; the others go on.
            pm.ok("stop", "web:1");
            assertThat(pm.state("web:1")).isEqualTo("stopped");
            assertThat(pm.state("web:2")).isEqualTo("running");
            assertThat(pm.pid("web:0")).isEqualTo(pids.get(0));
            pm.ok("start", "web:1");
            await("web:1 back", seconds(15), () -> get(port + 1).startsWith("instance=1 "));

            pm.ok("scale", "web", "5");
            assertThat(names(pm)).containsExactly("web:0", "web:1", "web:2", "web:3", "web:4");
            await("copy 4 answers", seconds(15), () -> get(port + 4).startsWith("instance=4 "));
            assertThat(pm.pid("web:0")).as("scaling up leaves the others alone").isEqualTo(pids.get(0));
            long pid3 = pm.pid("web:3"), pid4 = pm.pid("web:4");

            var down = pm.ok("scale", "web", "2");
            assertThat(down).contains("web: 2 copies (was 5)");
            assertThat(names(pm)).containsExactly("web:0", "web:1");
            assertThat(Pm.alive(pid3) || Pm.alive(pid4) || Pm.alive(pids.get(2))).as("the extra copies are gone").isFalse();
            assertThat(get(port + 2)).isEmpty();
            assertThat(pm.pid("web:0")).isEqualTo(pids.get(0));
            assertThat(pm.ok("list")).contains("web");
            // update --instances scales as scale does.
            assertThat(pm.ok("update", "web", "--instances", "3")).contains("instances");
            await("copy 2 answers", seconds(15), () -> get(port + 2).startsWith("instance=2 "));
            assertThat(pm.pid("web:0")).isEqualTo(pids.get(0));
            assertThat(Files.readString(pm.file("logs/web:2.out.log"))).contains("copy 2 of 3");
            pm.ok("scale", "web", "2");

            // A new daemon finds the same copies, by their own names.
            long daemon = Long.parseLong(Files.readString(pm.file("daemon.pid")).trim());
            new ProcessBuilder("kill", "-9", String.valueOf(daemon)).start().waitFor();
            await("the daemon gone", seconds(10), () -> !Pm.alive(daemon));
            assertThat(names(pm)).containsExactly("web:0", "web:1");
            assertThat(pm.pid("web:0")).isEqualTo(pids.get(0));
            assertThat(pm.state("web:1")).isEqualTo("running");
        }
    }

    @Test
    void badCountsAndUnknownCopiesGetOneLineAndChangeNothing() {
        try (var pm = new Pm()) {
            String script = pm.fixture("copy_server.py").toString();
            for (String n : List.of("0", "10000")) {
                var r = pm.run("register", script, "--name", "web", "--instances", n);
                assertThat(r.code()).as(r.toString()).isEqualTo(2);
                assertThat(r.err().strip()).doesNotContain("\n").contains("--instances");
            }
            assertThat(pm.ok("list")).doesNotContain("web");
            pm.ok("register", script, "--name", "web", "--instances", "4", "--port", "18300");
            var unknown = pm.run("scale", "nope", "2");
            assertThat(unknown.code()).isEqualTo(4);
            assertThat(unknown.err()).startsWith("pm: no process named 'nope'");
            var zero = pm.run("scale", "web", "0");
            assertThat(zero.code()).isEqualTo(2);
            assertThat(zero.err().strip()).doesNotContain("\n").contains("from 1 to 1000");
            var copy = pm.run("scale", "web:1", "3");
            assertThat(copy.code()).isEqualTo(2);
            assertThat(copy.err().strip()).doesNotContain("\n").startsWith("pm: scale takes an app, not one of its copies: ").endsWith("pm scale web N");
            var nine = pm.run("start", "web:9");
            assertThat(nine.code()).isEqualTo(4);
            assertThat(nine.err().strip()).isEqualTo("pm: no copy web:9: web has 4 copies, web:0 to web:3");
            var past = pm.run("register", script, "--name", "high", "--instances", "3", "--port", "65534");
            assertThat(past.code()).isEqualTo(2);
            assertThat(past.err()).contains("past 65535");
            var colon = pm.run("register", script, "--name", "web:1");
            assertThat(colon.code()).isEqualTo(2);
            assertThat(names(pm)).containsExactly("web:0", "web:1", "web:2", "web:3");
            assertThat(pm.state("web:2")).isEqualTo("stopped");
        }
    }
}
