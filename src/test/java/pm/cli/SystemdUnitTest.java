package pm.cli;

import org.junit.jupiter.api.Test;
import pm.core.PmException;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SystemdUnitTest {
    static SystemdUnit unit(boolean user, String home, boolean defaultHome) {
        return new SystemdUnit(user, "alice", Path.of("/opt/pm/pm"), Path.of(home), defaultHome, "/usr/bin:/bin");
    }

    @Test
    void aSystemUnitRunsTheDaemonAsTheUserWithItsHomeAndStopsTheDaemonAlone() {
        String text = unit(false, "/home/alice/.pm", true).text();
        assertThat(text).contains("\n[Service]\n", "\nUser=alice\n", "\nEnvironment=\"PM_HOME=/home/alice/.pm\"\n",
                "\nEnvironment=\"PATH=/usr/bin:/bin\"\n", "\nExecStart=\"/opt/pm/pm\" daemon run\n", "\nKillMode=process\n", "\nDelegate=yes\n",
                "\nSuccessExitStatus=143\n", "\nRestartPreventExitStatus=2 10\n", "\n[Install]\nWantedBy=multi-user.target\n");
        assertThat(unit(false, "/home/alice/.pm", true).name()).isEqualTo("pm-alice");
    }

    @Test
    void aUserUnitNamesNoUserAndStartsWithTheUsersSystemd() {
        var u = unit(true, "/home/alice/.pm", true);
        assertThat(u.text()).doesNotContain("User=").doesNotContain("network.target").contains("WantedBy=default.target\n");
        assertThat(u.fileName()).isEqualTo("pm.service");
    }

    @Test
    void anotherHomeGetsAUnitOfItsOwn() {
        String a = unit(false, "/srv/a", false).name(), b = unit(false, "/srv/b", false).name();
        assertThat(a).matches("pm-alice-[0-9a-f]{8}").isNotEqualTo(b);
        assertThat(unit(false, "/srv/a", false).name()).isEqualTo(a);
        assertThat(unit(true, "/srv/a", false).name()).matches("pm-[0-9a-f]{8}");
    }

    @Test
    void percentDollarQuoteAndBackslashReachTheDaemonAsTyped() {
        var u = new SystemdUnit(false, "alice", Path.of("/opt/p%m $x/pm"), Path.of("/srv/a\"b\\c"), false, "/bin");
        assertThat(u.text()).contains("\nExecStart=\"/opt/p%%m $$x/pm\" daemon run\n", "\nEnvironment=\"PM_HOME=/srv/a\\\"b\\\\c\"\n");
    }

    @Test
    void aControlCharacterIsRefused() {
        assertThatThrownBy(() -> unit(false, "/srv/a\nb", false).text()).isInstanceOf(PmException.class)
                .hasMessageStartingWith("a systemd unit cannot hold a control character");
    }
}
