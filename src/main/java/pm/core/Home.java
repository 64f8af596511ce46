package pm.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The state folder of one pm installation ({@code $PM_HOME}, default {@code ~/.pm}) and the files in it.
 * One daemon serves one home; tests each use their own.
 */
public record Home(Path dir) {
    /** The daemon's exit status when another daemon already serves this home. */
    public static final int ALREADY_SERVED = 10;

    /**
     * Creates the home and its logs folder (mode 0700) if needed, and refuses one that another user owns
     * or that others can write: whoever can write it can replace the socket or the registry.
     */
    public void ensure() {
        var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        try {
            if (!Files.isDirectory(dir)) Files.createDirectories(dir, owner);
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            int uid = (Integer) Files.getAttribute(dir, "unix:uid");
            if (uid != me)
                throw PmException.invalid("PM_HOME " + dir + " belongs to uid " + uid + ", not to you (uid " + me
                        + "); set PM_HOME to a folder of your own");
            var perms = Files.getPosixFilePermissions(dir);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE))
                throw PmException.invalid("PM_HOME " + dir + " is writable by other users (mode "
                        + PosixFilePermissions.toString(perms) + "); run chmod 700 " + dir);
            if (!Files.isDirectory(logs())) Files.createDirectories(logs(), owner);
        } catch (java.io.IOException e) {
            throw new PmException(ErrorCode.STORAGE, "cannot use PM_HOME " + dir + ": " + e.getMessage());
        }
    }

    public static Home fromEnvironment() {
        String env = System.getenv("PM_HOME");
        if (env != null && !env.isBlank()) return new Home(Path.of(env).toAbsolutePath().normalize());
        return new Home(Path.of(System.getProperty("user.home"), ".pm"));
    }

    public Path socket() {
        return dir.resolve("pm.sock");
    }

    /** Where the running apps are recorded, so the next daemon can adopt them. */
    public Path runFile() {
        return dir.resolve("runs.json");
    }

    public Path registry() {
        return dir.resolve("registry.json");
    }

    /** What {@code pm apply} remembers of the files it applied, one file each (pm.file.Applied). */
    public Path applied() {
        return dir.resolve("applied");
    }

    public Path lock() {
        return dir.resolve("daemon.lock");
    }

    public Path pidFile() {
        return dir.resolve("daemon.pid");
    }

    public Path daemonLog() {
        return dir.resolve("daemon.log");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    /** Names are validated by {@link ProcessSpec#checkName}, so these paths stay inside {@code logs/}. */
    public Path outLog(String name) {
        return logs().resolve(name + ".out.log");
    }

    public Path errLog(String name) {
        return logs().resolve(name + ".err.log");
    }
}
