package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static pm.cli.CommandLine.PM;

/**
 * {@code pm startup} and {@code pm unstartup}: write and enable, or disable and remove, the
 * {@link SystemdUnit} that starts this pm's daemon at boot. Either all of it is done or nothing: a unit
 * systemd refuses to enable is taken away again. Where systemd does not run, nothing is touched.
 */
final class Startup {
    /**
     * The machine as pm startup sees it: where systemd keeps its units and its state, how to run
     * systemctl, and who asks. Tests give folders and a systemctl of their own.
     *
     * @param booted   present when systemd is the running init ({@code /run/systemd/system})
     * @param lingers  {@code /var/lib/systemd/linger}: a file per user whose systemd runs from boot
     * @param asRoot   how to run pm as root for this user, PM_HOME and PATH, for the line that asks for it
     */
    record Host(Path booted, Path systemUnits, Path userUnits, Path lingers, List<String> systemctl, Account account,
                String path, Path launcher, String asRoot) {
        /**
         * This machine. Run through sudo, the unit is for the user who ran sudo, and their PM_HOME unless
         * PM_HOME is set: the daemon should not run as root because the unit had to be written as root.
         */
        static Host real() throws IOException {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            String sudoUser = System.getenv("SUDO_USER");
            boolean sudo = uid == 0 && sudoUser != null && !sudoUser.isEmpty() && !sudoUser.equals("root");
            String name = sudo ? sudoUser : System.getProperty("user.name");
            Path userHome = Passwd.home(name).orElse(Path.of(System.getProperty("user.home")));
            String env = System.getenv("PM_HOME");
            Path pmHome = env != null && !env.isBlank() ? Path.of(env).toAbsolutePath().normalize() : userHome.resolve(".pm");
            String config = System.getenv("XDG_CONFIG_HOME");
            Path userUnits = (config != null && !config.isEmpty() ? Path.of(config) : Path.of(System.getProperty("user.home"), ".config"))
                    .resolve("systemd/user");
            String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            String launcher = System.getProperty("pm.launcher", System.getProperty("pm.root", ".") + "/pm");
            String asRoot = "sudo env PM_HOME=" + CommandLine.quote(pmHome.toString()) + " PATH=\"$PATH\" " + CommandLine.quote(launcher);
            return new Host(Path.of("/run/systemd/system"), Path.of("/etc/systemd/system"), userUnits, Path.of("/var/lib/systemd/linger"),
                    List.of("systemctl"), new Account(name, pmHome, pmHome.equals(userHome.resolve(".pm")), sudo), path, Path.of(launcher), asRoot);
        }
    }

    /**
     * The user the daemon runs as, their PM_HOME, whether it is their default one ({@code ~/.pm}), and
     * whether pm runs for them through sudo.
     */
    record Account(String name, Path home, boolean defaultHome, boolean sudo) {}

    private final Host host;
    private final PrintStream out;

    Startup(Host host, PrintStream out) {
        this.host = host;
        this.out = out;
    }

    private static final CommandLine.Opt USER = CommandLine.Opt.flag("user", "a unit of your own systemd (~/.config/systemd/user), "
            + "no root needed; it runs at boot once you linger (loginctl enable-linger)");

    static List<CommandLine.Opt> options(boolean print) {
        return print ? List.of(USER, CommandLine.Opt.flag("print", "show the unit; write and enable nothing (works without systemd)"))
                : List.of(USER);
    }

    SystemdUnit unit(boolean user) {
        var a = host.account();
        // root's own systemd and folders would get a unit for another user.
        if (user && a.sudo())
            throw new PmException(ErrorCode.USAGE, PM + " startup --user and unstartup --user are for your own systemd: run them without sudo");
        return new SystemdUnit(user, a.name(), host.launcher(), a.home(), a.defaultHome(), host.path());
    }

    int startup(CommandLine.Parsed p) throws IOException, InterruptedException {
        boolean user = p.has("user");
        var unit = unit(user);
        if (p.has("print")) {
            out.print(unit.text());
            return 0;
        }
        requireSystemd("startup");
        var account = host.account();
        if (Files.exists(account.home()) && !Files.getOwner(account.home()).getName().equals(account.name()))
            throw PmException.invalid("PM_HOME " + account.home() + " belongs to " + Files.getOwner(account.home()).getName() + ", not to "
                    + account.name() + ", whom the daemon would run as; set PM_HOME to a folder of " + account.name() + "'s; nothing changed");
        Path file = file(unit, user);
        requireWritable(file.getParent(), user, "startup");
        String text = unit.text();
        String old = Files.isRegularFile(file) ? Files.readString(file) : null;
        write(file, text);
        var enabled = systemctl(user, "daemon-reload");
        if (enabled.isEmpty()) enabled = systemctl(user, "enable", unit.fileName());
        if (!enabled.isEmpty()) {
            if (old == null) Files.deleteIfExists(file);
            else write(file, old);
            systemctl(user, "daemon-reload");
            throw new PmException(ErrorCode.UNAVAILABLE, "systemctl could not enable " + file + " (" + enabled + "); it was "
                    + (old == null ? "removed" : "put back as it was") + ", nothing changed");
        }
        String ctl = user ? "systemctl --user" : "systemctl";
        out.println((text.equals(old) ? "kept " : old == null ? "wrote " : "rewrote ") + file + " and enabled it: systemd starts pm's daemon for "
                + host.account().name() + " (PM_HOME=" + host.account().home() + ") at boot");
        out.println("to run it under systemd now (the apps keep running): " + PM + " daemon stop; " + ctl + " start " + unit.name());
        if (user && !Files.exists(host.lingers().resolve(host.account().name())))
            out.println("your systemd starts at boot only if you linger; until then it starts when you log in: "
                    + "sudo loginctl enable-linger " + host.account().name());
        return 0;
    }

    int unstartup(CommandLine.Parsed p) throws IOException, InterruptedException {
        boolean user = p.has("user");
        var unit = unit(user);
        requireSystemd("unstartup");
        Path file = file(unit, user);
        if (!Files.exists(file)) {
            out.println("no unit " + file + ": nothing to remove" + (user ? "" : " (a unit of your own systemd: " + PM + " unstartup --user)"));
            return 0;
        }
        requireWritable(file.getParent(), user, "unstartup");
        String failed = systemctl(user, "disable", unit.fileName());
        if (!failed.isEmpty())
            throw new PmException(ErrorCode.UNAVAILABLE, "systemctl could not disable " + unit.fileName() + " (" + failed + "); nothing changed");
        Files.delete(file);
        systemctl(user, "daemon-reload");
        out.println("disabled and removed " + file + ": pm's daemon no longer starts at boot; the one running now keeps running ("
                + PM + " daemon stop ends it, and leaves the apps running)");
        return 0;
    }

    private Path file(SystemdUnit unit, boolean user) {
        return (user ? host.userUnits() : host.systemUnits()).resolve(unit.fileName());
    }

    private void requireSystemd(String verb) {
        if (Files.isDirectory(host.booted())) return;
        String why = "systemd is not running on this machine (no " + host.booted() + "), so ";
        throw new PmException(ErrorCode.UNAVAILABLE, verb.equals("startup")
                ? why + PM + " startup cannot have it start pm at boot; nothing changed. Have your init system run PM_HOME="
                        + CommandLine.quote(host.account().home().toString()) + " " + CommandLine.quote(host.launcher().toString())
                        + " daemon run (" + PM + " startup --print shows a systemd unit)"
                : why + "there is no unit of pm's to disable; nothing changed");
    }

    private void requireWritable(Path dir, boolean user, String verb) throws IOException {
        if (user) Files.createDirectories(dir);
        if (!Files.isWritable(dir))
            throw new PmException(ErrorCode.UNAVAILABLE, "cannot write " + dir + (user ? "" : " (a system unit needs root): run " + host.asRoot()
                    + " " + verb + ", or " + PM + " " + verb + " --user for a unit of your own systemd") + "; nothing changed");
    }

    /** Replaced whole or not at all: a temporary file renamed over the unit, readable by all as units are. */
    private static void write(Path file, String text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".pm-" + ProcessHandle.current().pid());
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Runs systemctl [--user] ARGS; "" when it succeeded, else the reason (its last line of output). */
    private String systemctl(boolean user, String... args) throws InterruptedException {
        var cmd = new ArrayList<>(host.systemctl());
        if (user) cmd.add("--user");
        cmd.addAll(List.of(args));
        try {
            var proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            proc.getOutputStream().close();
            String said = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = proc.waitFor();
            if (rc == 0) return "";
            String last = said.isEmpty() ? "" : said.substring(said.lastIndexOf('\n') + 1);
            return String.join(" ", cmd) + ": exit status " + rc + (last.isEmpty() ? "" : ": " + last);
        } catch (IOException e) {
            return "cannot run " + cmd.getFirst() + ": " + e.getMessage();
        }
    }
}
