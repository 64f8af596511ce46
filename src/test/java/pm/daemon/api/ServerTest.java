package pm.daemon.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

public class ServerTest {
    @Test
    @Timeout(5) // without the cut-off, the read below would wait for ever (or 10 s, the deadline in use)
    void aClientThatSendsNothingIsCutOffAtTheDeadline(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("pm.sock");
        // No engine: a client that never sends a line never reaches it.
        var server = Server.bind(socket, null, Duration.ofMillis(200), () -> {});
        Thread.ofPlatform().daemon().start(server::serve);
        // The daemon's timer calls this every 2 s; here, often.
        var timer = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                server.cutOffSilent();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (var client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap("{\"v\":1,".getBytes()));
            // The read returns at the cut-off: end of stream, or a reset if the close raced the bytes sent.
            int read;
            try {
                read = client.read(ByteBuffer.allocate(64));
            } catch (IOException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
        } finally {
            server.close();
            timer.interrupt();
        }
    }

    @Test
    @Timeout(5)
    void aProtocolVersionMismatchNamesBothVersions(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("pm.sock");
        // No engine: the version is checked before a request reaches it.
        var server = Server.bind(socket, null, Duration.ofSeconds(2), () -> {});
        Thread.ofPlatform().daemon().start(server::serve);
        try {
            assertThat(send(socket, "{\"v\":\"1\",\"cmd\":\"ping\"}"))
                    .contains("protocol version \\\"1\\\" (a string) is not supported (this daemon speaks version 1)");
            assertThat(send(socket, "{\"cmd\":\"ping\"}"))
                    .contains("the request names no protocol version (this daemon speaks version 1)");
            assertThat(send(socket, "{\"v\":2,\"cmd\":\"ping\"}"))
                    .contains("protocol version 2 is not supported (this daemon speaks version 1)");
        } finally {
            server.close();
        }
    }

    /** One request line to the control socket at {@code socket}, and the reply line. */
    public static String send(Path socket, String line) throws IOException {
        try (var client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            var reply = ByteBuffer.allocate(4096);
            while (client.read(reply) >= 0) {
                if (reply.position() > 0 && reply.get(reply.position() - 1) == '\n') break;
            }
            return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
        }
    }
}
