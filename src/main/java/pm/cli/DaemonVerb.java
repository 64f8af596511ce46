package pm.cli;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.PmException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;

/** {@code pm daemon start|stop|status}; {@code run} is handled by the launcher, which execs the daemon's JVM. */
final class DaemonVerb {
    private final Home home;
    private final Client client;
    private final PrintStream out;

    DaemonVerb(Home home, Client client, PrintStream out) {
        this.home = home;
        this.client = client;
        this.out = out;
    }

    int run(CommandLine.Parsed p) {
        String action = p.arg(0);
        return switch (action) {
            case "start" -> start();
            case "stop" -> stop();
            case "status" -> status();
            case "run" -> throw new PmException(ErrorCode.USAGE, "pm daemon run must go through the ./pm launcher");
            default -> throw CommandLine.usage(p.command(), "unknown action '" + action + "': use start, stop, status or run");
        };
    }

    private int start() {
        if (!client.answers()) client.startDaemon();
        out.printf("daemon running (pid %s) for %s%n", pid(), home.dir());
        return 0;
    }

    private int stop() {
        try {
            var result = client.callRunning("shutdown", Map.of());
            long stopped = ((Number) result.getOrDefault("stopped", 0L)).longValue();
            out.println("daemon stopped" + (stopped == 0 ? ""
                    : "; it stopped " + stopped + " app(s), and the next daemon starts again those that were meant to run"));
        } catch (IOException e) {
            out.println("daemon is not running for " + home.dir());
        }
        return 0;
    }

    private int status() {
        if (!client.answers()) {
            out.println("daemon is not running for " + home.dir());
            return ErrorCode.DAEMON_UNREACHABLE.exitStatus();
        }
        out.printf("daemon running (pid %s) for %s%n", pid(), home.dir());
        return 0;
    }

    private Object pid() {
        try {
            return client.callRunning("ping", Map.of()).get("pid");
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon stopped answering: " + e.getMessage());
        }
    }
}
