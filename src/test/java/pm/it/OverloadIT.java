package pm.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A daemon with every connection slot taken says so, and pm reports it as what it is. */
class OverloadIT {
    final Pm pm = new Pm();

    @AfterEach
    void tearDown() {
        pm.close();
    }

    @Test
    void withThreeHundredConnectionsHeldPmSaysTheDaemonIsBusyAndNothingWasDone() throws IOException {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        var held = hold(300);
        try {
            var r = pm.run("start", "app");
            System.out.println("pm start with 300 connections held: " + r);
            assertThat(r.code()).as(r.toString()).isEqualTo(6);
            assertThat(r.err()).as(r.toString()).startsWith("pm: the daemon is busy").contains("too many connections (256)")
                    .contains("nothing was done").doesNotContain("may have taken effect");
        } finally {
            close(held);
        }
        assertThat(pm.state("app")).isEqualTo("stopped");
    }

    @Test
    void aCommandThatMeetsABusyDaemonTriesAgainAndGetsThroughWhenSlotsFree() throws Exception {
        pm.ok("register", pm.fixture("sleeper.sh").toString(), "--name", "app");
        var held = hold(300);
        // Freed while the command waits between its tries (it tries for 2 s).
        var release = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(800);
            } catch (InterruptedException e) {
                return;
            }
            close(held);
        });
        var r = pm.run("start", "app");
        release.join();
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(pm.state("app")).isEqualTo("running");
    }

    /** Connections held open, sending nothing: the daemon serves 256 at once and cuts silent ones off after 10 s. */
    private List<SocketChannel> hold(int n) throws IOException {
        var held = new ArrayList<SocketChannel>();
        for (int i = 0; i < n; i++) {
            var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(pm.home.resolve("pm.sock")));
            held.add(ch);
        }
        return held;
    }

    private static void close(List<SocketChannel> held) {
        for (var ch : held) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
