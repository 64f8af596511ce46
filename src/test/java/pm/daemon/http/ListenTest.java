package pm.daemon.http;

import org.junit.jupiter.api.Test;
import pm.core.PmException;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListenTest {
    @Test
    void addressesAndPortsAreReadWithoutDns() throws Exception {
        assertThat(Listen.parse("off").off()).isTrue();
        var v4 = Listen.parse("127.0.0.1:9615").address();
        assertThat(v4.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(v4.getPort()).isEqualTo(9615);
        assertThat(Listen.parse("[::1]:80").address().getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(Listen.parse("localhost:0").address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(Listen.parse("0.0.0.0:9615").address().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(Listen.parse(Listen.DEFAULT).address().getPort()).isEqualTo(9615);
    }

    @Test
    void aBadSettingSaysWhatIsWrongAndWhatToWrite() {
        assertThatThrownBy(() -> Listen.parse("9615")).isInstanceOf(PmException.class).hasMessage(
                "PM_HTTP_LISTEN=9615: no address and port; use ADDR:PORT (127.0.0.1:9615) or off");
        assertThatThrownBy(() -> Listen.parse("127.0.0.1:http")).hasMessageContaining("the port is not a number");
        assertThatThrownBy(() -> Listen.parse("127.0.0.1:70000")).hasMessageContaining("the port must be 0 to 65535");
        assertThatThrownBy(() -> Listen.parse("example.com:80")).hasMessageContaining("'example.com' is not an IP address");
        assertThatThrownBy(() -> Listen.parse("::1:80")).hasMessageContaining("write an IPv6 address in brackets");
    }

    @Test
    void aHostHeaderNamesAnAddressAsBrowsersWriteIt() throws Exception {
        assertThat(Listen.hostPort(InetAddress.getByName("127.0.0.1"), 9615)).isEqualTo("127.0.0.1:9615");
        assertThat(Listen.hostPort(InetAddress.getByName("::1"), 9615)).isEqualTo("[::1]:9615");
    }
}
