package pm.daemon.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ServerTest {
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
}
