package pm.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pm startup through the real ./pm: the units it prints pass systemd's own check (systemd-analyze verify,
 * which .ci/run installs), and where systemd does not run, startup and unstartup say so in one line and
 * change nothing. Writing and enabling against systemctl is StartupTest's.
 */
class StartupIT {
    static final Path SYSTEM_UNITS = Path.of("/etc/systemd/system");

    static boolean analyzer() {
        try {
            return new ProcessBuilder("systemd-analyze", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The unit pm printed, saved under the name its first line gives, as a user would save it. */
    static Path saved(Pm pm, String unit) throws IOException {
        assertThat(unit).startsWith("# pm");
        String name = unit.substring(2, unit.indexOf(','));
        assertThat(name).endsWith(".service");
        return Files.writeString(Files.createDirectories(pm.file("units")).resolve(name), unit);
    }

    /** systemd-analyze verify FILE: its exit status and all it said (nothing, for a good unit). */
    static Pm.Result verify(Pm pm, boolean user, Path unit) throws IOException {
        Path runtime = Files.createDirectories(pm.file("xdg-runtime"));
        var cmd = user ? List.of("systemd-analyze", "--user", "verify", unit.toString()) : List.of("systemd-analyze", "verify", unit.toString());
        var pb = new ProcessBuilder(cmd);
        // A user manager of its own for the check: none may run here.
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        return Pm.finish(pb);
    }

    @Test
    void theUnitsItPrintsPassSystemdAnalyzeVerify() throws IOException {
        assumeTrue(analyzer(), "systemd-analyze is not installed (.ci/run installs the systemd package): the unit check is skipped");
        try (var pm = new Pm()) {
            var system = pm.run("startup", "--print");
            assertThat(system.code()).as(system.toString()).isZero();
            assertThat(system.err()).isEmpty();
            assertThat(system.out()).contains("\nEnvironment=\"PM_HOME=" + pm.home + "\"\n", "\nExecStart=\"" + Pm.ROOT.resolve("pm") + "\" daemon run\n",
                    "\nKillMode=process\n", "\nUser=" + System.getProperty("user.name") + "\n");
            Path unit = saved(pm, system.out());
            var verified = verify(pm, false, unit);
            assertThat(verified.code()).as(verified.toString()).isZero();
            assertThat(verified.out() + verified.err()).as("systemd-analyze found nothing to say").isEmpty();

            var user = pm.run("startup", "--user", "--print");
            assertThat(user.code()).as(user.toString()).isZero();
            assertThat(user.out()).doesNotContain("User=").contains("WantedBy=default.target");
            verified = verify(pm, true, saved(pm, user.out()));
            assertThat(verified.code()).as(verified.toString()).isZero();
            assertThat(verified.out() + verified.err()).isEmpty();

            // The check bites: a unit systemd would not read as written does not pass.
            Files.writeString(unit, system.out().replace("KillMode=process", "KillMode=processes"));
            var broken = verify(pm, false, unit);
            assertThat(broken.out() + broken.err()).contains("Failed to parse kill mode");
            assertThat(pm.file("daemon.pid")).as("printing a unit starts no daemon").doesNotExist();
        }
    }

    @Test
    void withoutSystemdStartupAndUnstartupSaySoInOneLineAndChangeNothing() throws IOException {
        assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")), "systemd runs here: this test would enable a real unit");
        try (var pm = new Pm()) {
            var before = units();
            for (var words : List.of(List.of("startup"), List.of("startup", "--user"), List.of("unstartup"), List.of("unstartup", "--user"))) {
                var r = pm.run(words);
                assertThat(r.code()).as(r.toString()).isEqualTo(1);
                assertThat(r.out()).isEmpty();
                assertThat(r.err()).as(r.toString()).startsWith("pm: systemd is not running on this machine (no /run/systemd/system), so ")
                        .contains("nothing changed").hasLineCount(1);
            }
            assertThat(pm.run("startup").err()).contains("Have your init system run PM_HOME=" + pm.home + " " + Pm.ROOT.resolve("pm") + " daemon run");
            assertThat(units()).as("no unit written or removed").isEqualTo(before);
            assertThat(pm.file("daemon.pid")).as("no daemon started").doesNotExist();
        }
    }

    /** Every file in systemd's unit folders, system and this user's. */
    static List<Path> units() throws IOException {
        var all = new java.util.ArrayList<Path>();
        for (Path dir : List.of(SYSTEM_UNITS, Path.of(System.getProperty("user.home"), ".config/systemd"))) {
            if (!Files.exists(dir)) continue;
            try (var files = Files.walk(dir)) {
                files.sorted().forEach(all::add);
            }
        }
        return all;
    }
}
