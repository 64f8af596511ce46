package pm.core;

import java.nio.file.Path;

/**
 * The state folder of one pm installation ({@code $PM_HOME}, default {@code ~/.pm}) and the files in it.
 * One daemon serves one home; tests each use their own.
 */
public record Home(Path dir) {
    public static Home fromEnvironment() {
        String env = System.getenv("PM_HOME");
        if (env != null && !env.isBlank()) return new Home(Path.of(env).toAbsolutePath().normalize());
        return new Home(Path.of(System.getProperty("user.home"), ".pm"));
    }

    public Path socket() {
        return dir.resolve("pm.sock");
    }

    public Path registry() {
        return dir.resolve("registry.json");
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
