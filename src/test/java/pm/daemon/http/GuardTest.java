package pm.daemon.http;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardTest {
    static Guard guard(String host, int port, Path dir) {
        var tokens = new Tokens(dir.resolve("tokens.json"));
        tokens.load();
        return new Guard(tokens, new Logins(), new InetSocketAddress(host, port));
    }

    @Test
    void aLoopbackDaemonAnswersToItsAddressAndLocalhostOnItsPortOnly(@TempDir Path dir) {
        var g = guard("127.0.0.1", 9615, dir);
        assertThat(g.ours("127.0.0.1:9615")).isTrue();
        assertThat(g.ours("localhost:9615")).isTrue();
        assertThat(g.ours("LOCALHOST:9615")).isTrue();
        assertThat(g.ours("127.0.0.1:9616")).as("another port").isFalse();
        assertThat(g.ours("127.0.0.1")).as("no port is port 80").isFalse();
        assertThat(g.ours("attacker.example:9615")).as("a rebound name").isFalse();
        assertThat(g.ours("127.0.0.2:9615")).isFalse();
        assertThat(g.ours("[::1]:9615")).isFalse();
    }

    @Test
    void aWildcardDaemonAnswersToAnyAddressButNoName(@TempDir Path dir) {
        var g = guard("0.0.0.0", 9615, dir);
        assertThat(g.ours("192.168.1.20:9615")).isTrue();
        assertThat(g.ours("[fe80::1]:9615")).isTrue();
        assertThat(g.ours("localhost:9615")).isTrue();
        assertThat(g.ours("pm.example.com:9615")).isFalse();
        var h = new Headers();
        h.set("Host", "pm.example.com:9615");
        assertThatThrownBy(() -> g.checkPlace(h)).hasMessage("Host 'pm.example.com:9615' is not this daemon's address "
                + "(any IP address of this machine with port 9615, or localhost:9615); requests through other names are refused");
    }

    @Test
    void aForeignHostOrOriginIsRefusedBeforeAnyCredential(@TempDir Path dir) {
        var g = guard("127.0.0.1", 9615, dir);
        var h = new Headers();
        h.set("Host", "evil.example:9615");
        assertThatThrownBy(() -> g.checkPlace(h)).isInstanceOf(Refusal.class).hasMessageContaining("Host 'evil.example:9615' is not this daemon's address");
        h.set("Host", "127.0.0.1:9615");
        h.set("Origin", "http://evil.example");
        assertThatThrownBy(() -> g.checkPlace(h)).hasMessageContaining("Origin 'http://evil.example' is not this daemon");
        h.set("Origin", "null");
        assertThatThrownBy(() -> g.checkPlace(h)).isInstanceOf(Refusal.class);
        h.set("Origin", "http://localhost:9615");
        g.checkPlace(h);
        h.remove("Origin");
        g.checkPlace(h);
    }

    @Test
    void aCookieIsFoundAmongOthers() {
        var h = new Headers();
        h.add("Cookie", "theme=dark; pm_session=abc; other=1");
        assertThat(Guard.cookie(h, "pm_session")).isEqualTo("abc");
        assertThat(Guard.cookie(h, "pm")).isNull();
    }
}
