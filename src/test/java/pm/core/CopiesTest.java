package pm.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopiesTest {
    static ProcessSpec web(int port, Copies copies) {
        return ProcessSpecTest.spec("web", port, port == 0 ? "" : "/health", Map.of("A", "1")).withCopies(copies);
    }

    @Test
    void eachCopyHasItsNameItsNumberAndItsPort() {
        var spec = web(8100, new Copies(3, List.of(), Duration.ZERO));
        var first = spec.copy(0);
        var third = spec.copy(2);
        assertThat(first.name()).isEqualTo("web");
        assertThat(third.name()).isEqualTo("web:2");
        assertThat(third.port()).isEqualTo(8102);
        assertThat(third.probe().orElseThrow().describe()).contains("8102");
        assertThat(third.env()).containsEntry("PM_INSTANCE", "2").containsEntry("PM_INSTANCES", "3").containsEntry("A", "1");
        assertThat(first.env()).containsEntry("PM_INSTANCE", "0");
    }

    @Test
    void copiesSharingASocketShareThePortToo() {
        var spec = web(8100, new Copies(3, List.of("tcp://127.0.0.1:8100"), Duration.ZERO));
        assertThat(spec.copy(2).port()).isEqualTo(8100);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001, 10000})
    void aCountOutOfRangeIsRefused(int count) {
        assertThatThrownBy(() -> new Copies(count, List.of(), Duration.ZERO)).isInstanceOf(PmException.class)
                .hasMessageContaining("use 1 to 1000");
    }

    @Test
    void portsPast65535AreRefused() {
        assertThatThrownBy(() -> web(65534, new Copies(3, List.of(), Duration.ZERO))).hasMessageContaining("past 65535");
    }

    @Test
    void aCopysNameIsNoNameForANewApp() {
        assertThat(ProcessSpec.newNameProblem("web:1")).contains("may not contain ':'");
        assertThat(Names.copyNumber("web:12")).isEqualTo(12);
        assertThat(Names.copyNumber("web")).isEqualTo(-1);
        assertThat(Names.copyNumber("web:x")).isEqualTo(-1);
        assertThat(Names.appOf("web:3")).isEqualTo("web");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp://127.0.0.1:8080  | ''",
        "tcp://localhost:1     | ''",
        "unix:/run/web.sock    | ''",
        "tcp://127.0.0.1       | has no host and port",
        "tcp://127.0.0.1:0     | has no port from 1 to 65535",
        "tcp://127.0.0.1:70000 | has no port from 1 to 65535",
        "tcp://example.com:80  | the host must be an IP address",
        "unix:run/web.sock     | needs an absolute path",
        "http://127.0.0.1:80   | is not a socket address",
    })
    void socketAddressesAreCheckedWithOneLine(String address, String problem) {
        if (problem.isEmpty()) assertThat(SocketAddress.problem(address)).isEmpty();
        else assertThat(SocketAddress.problem(address)).contains(problem).doesNotContain("\n");
    }

    @Test
    void anAddressParsesToItsParts() {
        var tcp = SocketAddress.parse("tcp://localhost:8080");
        assertThat(tcp.host()).isEqualTo("127.0.0.1");
        assertThat(tcp.port()).isEqualTo(8080);
        assertThat(tcp.fdName()).isEqualTo("tcp-8080");
        assertThat(SocketAddress.parse("unix:/run/web.sock").path()).isEqualTo("/run/web.sock");
    }
}
