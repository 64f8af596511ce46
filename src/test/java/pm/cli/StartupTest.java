package pm.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pm.core.ErrorCode;
import pm.core.PmException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * pm startup and unstartup against a machine of folders: systemd's unit folders, its "booted" marker,
 * and a systemctl that records what it was asked (and fails a verb on request). systemd-analyze checks
 * the unit itself in StartupIT.
 */
class StartupTest {
    @TempDir
    Path dir;
    Path booted, system, user, lingers, calls, fail;
    ByteArrayOutputStream said = new ByteArrayOutputStream();

    @BeforeEach
    void machine() throws Exception {
        booted = Files.createDirectories(dir.resolve("run/systemd/system"));
        system = Files.createDirectories(dir.resolve("etc/systemd/system"));
        user = dir.resolve("home/alice/.config/systemd/user");
        lingers = Files.createDirectories(dir.resolve("var/lib/systemd/linger"));
        calls = dir.resolve("calls");
        fail = dir.resolve("fail");
        Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/sh\necho \"$*\" >> " + calls + "\n"
                + "if [ -f " + fail + " ] && [ \"$*\" = \"$(cat " + fail + ")\" ]; then echo 'Failed to enable: refused' >&2; exit 1; fi\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Startup startup(Path systemUnits) {
        return startup(systemUnits, false);
    }

    Startup startup(Path systemUnits, boolean sudo) {
        var account = new Startup.Account("alice", dir.resolve("home/alice/.pm"), true, sudo);
        var host = new Startup.Host(booted, systemUnits, user, lingers, List.of(dir.resolve("systemctl").toString()), account,
                "/usr/bin:/bin", Path.of("/opt/pm/pm"), "sudo env PM_HOME=/home/alice/.pm PATH=\"$PATH\" /opt/pm/pm");
        return new Startup(host, new PrintStream(said, true, StandardCharsets.UTF_8));
    }

    static CommandLine.Parsed parsed(String verb, String... words) {
        var c = new CommandLine.Command(verb, verb, "", Startup.options(verb.equals("startup")), 0, 0, false, "", p -> 0);
        return CommandLine.parse(c, List.of(words));
    }

    List<String> calls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    String said() {
        return said.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesAndEnablesASystemUnitForTheUserAndSaysHowToHandOverTheRunningDaemon() throws Exception {
        var s = startup(system);
        assertThat(s.startup(parsed("startup"))).isZero();
        Path unit = system.resolve("pm-alice.service");
        assertThat(Files.readString(unit)).isEqualTo(s.unit(false).text()).contains("User=alice\n", "KillMode=process\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(unit))).isEqualTo("rw-r--r--");
        assertThat(calls()).containsExactly("daemon-reload", "enable pm-alice.service");
        assertThat(said()).startsWith("wrote " + unit + " and enabled it").contains("daemon stop; systemctl start pm-alice\n")
                .doesNotContain("linger");
        assertThat(system).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));

        said.reset();
        assertThat(s.startup(parsed("startup"))).isZero();
        assertThat(said()).startsWith("kept " + unit);
    }

    @Test
    void aUserUnitGoesToTheUsersSystemdAndTellsToLingerUntilTheUserDoes() throws Exception {
        var s = startup(system);
        assertThat(s.startup(parsed("startup", "--user"))).isZero();
        assertThat(Files.readString(user.resolve("pm.service"))).doesNotContain("User=").contains("WantedBy=default.target");
        assertThat(calls()).containsExactly("--user daemon-reload", "--user enable pm.service");
        assertThat(said()).contains("systemctl --user start pm\n", "sudo loginctl enable-linger alice");
        assertThat(system).isEmptyDirectory();

        Files.createFile(lingers.resolve("alice"));
        said.reset();
        s.startup(parsed("startup", "--user"));
        assertThat(said()).doesNotContain("linger");
    }

    @Test
    void aUnitSystemdWillNotEnableIsTakenAwayAgainAndAReplacedOnePutBack() throws Exception {
        Files.writeString(fail, "enable pm-alice.service");
        var s = startup(system);
        assertThatThrownBy(() -> s.startup(parsed("startup"))).isInstanceOf(PmException.class)
                .hasMessage("systemctl could not enable " + system.resolve("pm-alice.service") + " (" + dir.resolve("systemctl")
                        + " enable pm-alice.service: exit status 1: Failed to enable: refused); it was removed, nothing changed")
                .satisfies(e -> assertThat(((PmException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(system).isEmptyDirectory();
        assertThat(calls()).containsExactly("daemon-reload", "enable pm-alice.service", "daemon-reload");

        Files.writeString(system.resolve("pm-alice.service"), "an older unit\n");
        assertThatThrownBy(() -> s.startup(parsed("startup"))).hasMessageContaining("it was put back as it was");
        assertThat(system.resolve("pm-alice.service")).hasContent("an older unit");
    }

    @Test
    void withoutSystemdNeitherChangesAnythingAndPrintStillShowsTheUnit() throws Exception {
        Files.delete(booted);
        var s = startup(system);
        assertThatThrownBy(() -> s.startup(parsed("startup"))).isInstanceOf(PmException.class)
                .hasMessageStartingWith("systemd is not running on this machine (no " + booted + "), so pm startup cannot have it start pm at boot; "
                        + "nothing changed. Have your init system run PM_HOME=" + dir.resolve("home/alice/.pm") + " /opt/pm/pm daemon run");
        assertThatThrownBy(() -> s.unstartup(parsed("unstartup"))).hasMessageContaining("there is no unit of pm's to disable; nothing changed");
        assertThat(system).isEmptyDirectory();
        assertThat(calls()).isEmpty();
        assertThat(s.startup(parsed("startup", "--print"))).isZero();
        assertThat(said()).isEqualTo(s.unit(false).text());
    }

    @Test
    void withoutTheRightToWriteTheSystemUnitItSaysHowToRunItAsRoot() {
        var s = startup(dir.resolve("not-there"));
        assertThatThrownBy(() -> s.startup(parsed("startup")))
                .hasMessage("cannot write " + dir.resolve("not-there") + " (a system unit needs root): run sudo env PM_HOME=/home/alice/.pm "
                        + "PATH=\"$PATH\" /opt/pm/pm startup, or pm startup --user for a unit of your own systemd; nothing changed");
    }

    @Test
    void unstartupDisablesAndRemovesTheUnitAndIsHappyWhenThereIsNone() throws Exception {
        var s = startup(system);
        s.startup(parsed("startup"));
        Files.delete(calls);
        said.reset();
        assertThat(s.unstartup(parsed("unstartup"))).isZero();
        assertThat(system).isEmptyDirectory();
        assertThat(calls()).containsExactly("disable pm-alice.service", "daemon-reload");
        assertThat(said()).startsWith("disabled and removed " + system.resolve("pm-alice.service"));

        said.reset();
        assertThat(s.unstartup(parsed("unstartup"))).isZero();
        assertThat(said()).startsWith("no unit " + system.resolve("pm-alice.service") + ": nothing to remove");
        assertThat(calls()).hasSize(2);
    }

    @Test
    void throughSudoAUserUnitIsRefusedSinceItWouldGoToRootsSystemd() throws Exception {
        var s = startup(system, true);
        assertThatThrownBy(() -> s.startup(parsed("startup", "--user"))).hasMessageContaining("run them without sudo");
        assertThat(calls()).isEmpty();
        assertThat(s.startup(parsed("startup"))).isZero();
        assertThat(Files.readString(system.resolve("pm-alice.service"))).contains("User=alice\n");
    }

    @Test
    void aUnitSystemdWillNotDisableStays() throws Exception {
        var s = startup(system);
        s.startup(parsed("startup"));
        Files.writeString(fail, "disable pm-alice.service");
        assertThatThrownBy(() -> s.unstartup(parsed("unstartup"))).hasMessageContaining("could not disable pm-alice.service");
        assertThat(system.resolve("pm-alice.service")).exists();
    }
}
