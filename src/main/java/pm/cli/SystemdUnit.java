package pm.cli;

import pm.core.PmException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The systemd unit that runs one pm's daemon ({@code pm daemon run}) at boot for one user and one
 * PM_HOME: a system unit that runs it as that user, or with {@code user} a unit of the user's own
 * systemd. Only the daemon is the unit's: {@code KillMode=process}, so stopping the unit leaves the apps
 * running (they stay in its cgroup, and the next daemon adopts them); {@code Delegate=yes}, so the daemon
 * may make its apps' cgroups in the unit's.
 *
 * @param account     the user the daemon runs as
 * @param defaultHome whether {@code home} is that user's {@code ~/.pm}; another home gets a unit of its own
 * @param path        the PATH the daemon gets, which the apps inherit
 */
record SystemdUnit(boolean user, String account, Path launcher, Path home, boolean defaultHome, String path) {
    /** {@code pm-alice} (system) or {@code pm} (user), with a short hash of PM_HOME when it is not the default one. */
    String name() {
        String base = user ? "pm" : "pm-" + account;
        if (defaultHome) return base;
        var crc = new CRC32();
        crc.update(home.toString().getBytes(StandardCharsets.UTF_8));
        String hash = Long.toHexString(crc.getValue());
        return base + "-" + "0".repeat(8 - hash.length()) + hash;
    }

    String fileName() {
        return name() + ".service";
    }

    String text() {
        var t = new StringBuilder();
        t.append("# ").append(fileName()).append(", written by pm startup: systemd runs pm's daemon at boot. pm unstartup removes it.\n");
        t.append("[Unit]\n");
        t.append("Description=").append(specifiers("pm daemon of " + account + " (PM_HOME=" + home + ")")).append('\n');
        if (!user) t.append("After=network.target\n");
        t.append("\n[Service]\n");
        t.append("Type=simple\n");
        if (!user) t.append("User=").append(specifiers(account)).append('\n');
        t.append("Environment=").append(quoted(specifiers("PM_HOME=" + home))).append('\n');
        // The apps inherit the daemon's PATH: the one pm startup ran with, as the apps started by hand had.
        t.append("Environment=").append(quoted(specifiers("PATH=" + path))).append('\n');
        t.append("ExecStart=").append(quoted(specifiers(launcher.toString()).replace("$", "$$"))).append(" daemon run\n");
        t.append("# Stopping the unit stops the daemon only; the apps keep running and the next daemon adopts them.\n");
        t.append("KillMode=process\n");
        t.append("# The daemon puts each app in a cgroup of its own under the unit's.\n");
        t.append("Delegate=yes\n");
        t.append("Restart=on-failure\n");
        t.append("RestartSec=2\n");
        t.append("# 143: ended by SIGTERM, as systemd stops it.\n");
        t.append("SuccessExitStatus=143\n");
        t.append("# Not worth a retry: 2, PM_HOME belongs to another user or others can write it; 10, another daemon serves it.\n");
        t.append("RestartPreventExitStatus=2 10\n");
        t.append("\n[Install]\n");
        t.append("WantedBy=").append(user ? "default.target" : "multi-user.target").append('\n');
        return t.toString();
    }

    /** systemd expands {@code %} specifiers in these settings: a literal one is doubled. */
    private static String specifiers(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < ' ' || s.charAt(i) == 0x7f)
                throw PmException.invalid("a systemd unit cannot hold a control character, as in " + CommandLine.quote(s)
                        + "; use a PM_HOME, PATH and pm folder without one");
        }
        return s.replace("%", "%%");
    }

    /** A word in double quotes, its quotes and backslashes escaped, as systemd reads it back. */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
