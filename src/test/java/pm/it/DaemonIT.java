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
    void desiredStateSurvivesADaemonRestart() {
        String sleeper = pm.fixture("sleeper.sh").toString();
        pm.ok("register", sleeper, "--name", "up");
        pm.ok("register", sleeper, "--name", "down");
        pm.ok("start", "up");
        long before = pm.pid("up");

        assertThat(pm.ok("daemon", "stop")).contains("daemon stopped");
        assertThat(Pm.alive(before)).isFalse();
        assertThat(pm.run("daemon", "status").code()).isEqualTo(3);

        // The next command starts a daemon, which starts what was meant to run and nothing else.
        assertThat(pm.state("up")).isEqualTo("running");
        assertThat(pm.pid("up")).isNotEqualTo(before);
        assertThat(pm.state("down")).isEqualTo("stopped");
    }

    @Test
    void homeAndSocketAreKeptPrivate() throws IOException {
        pm.ok("daemon", "start");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pm.home))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pm.home.resolve("pm.sock")))).isEqualTo("rw-------");
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
            while (ch.read(in) > 0) {
                in.flip();
                out.append(StandardCharsets.UTF_8.decode(in));
                in.clear();
            }
            return out.toString();
        }
    }
}
