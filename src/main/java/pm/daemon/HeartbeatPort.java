package pm.daemon;

import pm.core.Home;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The heartbeat port is remembered in PM_HOME, so the next daemon listens where running apps already
 * send their beats.
 */
final class HeartbeatPort {
    private HeartbeatPort() {}

    static Path file(Home home) {
        return home.dir().resolve("heartbeat.port");
    }

    /** The port the last daemon used, or 0 for any free one. */
    static int remembered(Home home) {
        try {
            return Integer.parseInt(Files.readString(file(home)).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Writes the port down, unless it is already (a daemon must start on a full disk); a failure is a
     * warning: the next daemon then picks any free port, and apps beat in vain until restarted.
     */
    static void remember(Home home, int port) {
        if (remembered(home) == port) return;
        try {
            PrivateFile.write(file(home), port + "\n");
        } catch (IOException e) {
            System.err.println("pm daemon: warning: cannot write " + file(home) + ": " + e.getMessage());
        }
    }
}
