package pm.cli;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.Json;
import pm.core.PmException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
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
            case "restart" -> {
                stop();
                yield start();
            }
            case "status" -> status();
            case "run" -> throw new PmException(ErrorCode.USAGE, CommandLine.PM + " daemon run must go through the pm launcher script");
            default -> throw CommandLine.usage(p.command(), "unknown action '" + action + "': use start, stop, restart, status or run");
        };
    }

    private int start() {
        if (!client.answers()) client.startDaemon();
        out.printf("daemon running (pid %s) for %s%n", pid(), home.dir());
        return 0;
    }

    /** Ends the daemon alone: the apps keep running, and the next daemon adopts them. */
    private int stop() {
        try {
            var result = client.callRunning("shutdown", Map.of());
            long running = ((Number) result.getOrDefault("running", 0L)).longValue();
            awaitGone(result.get("pid"));
            out.println("daemon stopped" + (running == 0 ? "" : "; " + running
                    + " app(s) keep running, and the next daemon adopts them (" + CommandLine.PM + " kill stops them)"));
        } catch (IOException e) {
            out.println("daemon is not running for " + home.dir());
        }
        return 0;
    }

    /**
     * {@code pm kill}: stops every app and records it as stopped, then the daemon. With no daemon running,
     * apps the last one left running (named in the run file) are adopted by a new daemon and stopped.
     */
    int kill(CommandLine.Parsed p) {
        Map<String, Object> result;
        try {
            result = client.callRunning("shutdown", Map.of("stop_apps", true));
        } catch (IOException e) {
            if (!runsLeft()) {
                out.println("daemon is not running for " + home.dir());
                return 0;
            }
            client.startDaemon();
            result = client.call("shutdown", Map.of("stop_apps", true));
        }
        awaitGone(result.get("pid"));
        out.println("stopped " + result.get("stopped") + " app(s) and the daemon; they stay stopped until started again");
        if (result.get("warning") instanceof String w && !w.isEmpty()) System.err.println("pm: warning: " + w);
        return 0;
    }

    /**
     * Whether a daemon that is gone may have left apps running: the run file names a run or cannot be read
     * (a new daemon then finds them by their mark), or the last daemon did not end cleanly (its socket or
     * its pid file is left; it may have been killed before it recorded a run). The socket counts too: on a
     * full disk the pid file cannot be written, but a socket needs no data block.
     */
    private boolean runsLeft() {
        if (Files.exists(home.pidFile()) || Files.exists(home.socket())) return true;
        try {
            return Json.parseObject(Files.readString(home.runFile())).get("runs") instanceof Map<?, ?> runs && !runs.isEmpty();
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** How long a stop or kill waits for the daemon's process to end after it answered. */
    private static final long GONE_WITHIN_MILLIS = 5000;

    /**
     * Returns once the daemon's process has ended (the pid its shutdown reply names; a daemon too old to name
     * it is waited for until its socket and pid file are gone), so the home can be unmounted or a new daemon
     * started at once. Past {@link #GONE_WITHIN_MILLIS} it says that the daemon still runs.
     */
    private void awaitGone(Object pid) {
        long deadline = System.nanoTime() + GONE_WITHIN_MILLIS * 1_000_000;
        while (pid instanceof Number n ? alive(n.longValue()) : Files.exists(home.socket()) || Files.exists(home.pidFile())) {
            if (System.nanoTime() > deadline) {
                System.err.println("pm: warning: the daemon" + (pid == null ? "" : " (pid " + pid + ")") + " still runs "
                        + GONE_WITHIN_MILLIS / 1000 + "s after it answered" + (pid == null ? "" : " (kill -KILL " + pid + " ends it)")
                        + "; its log is " + home.daemonLog());
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether the process runs (a zombie has let go of its files, so it counts as gone). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"), java.nio.charset.StandardCharsets.ISO_8859_1);
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private int status() {
        if (!client.answers()) {
            out.println("daemon is not running for " + home.dir());
            return ErrorCode.DAEMON_UNREACHABLE.exitStatus();
        }
        Map<String, Object> ping;
        try {
            ping = client.callRunning("ping", Map.of());
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon stopped answering: " + e.getMessage());
        }
        out.printf("daemon running (pid %s) for %s%n", ping.get("pid"), home.dir());
        for (Object w : ping.get("warnings") instanceof List<?> l ? l : List.of()) System.err.println("warning: " + w);
        out.println("http: " + http());
        return 0;
    }

    /** Whether the daemon's HTTP side serves, where, or why not (docs/http.md). */
    private String http() {
        try {
            var reply = client.callRunning("http", Map.of());
            return String.valueOf(reply.get("state"));
        } catch (IOException | PmException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private Object pid() {
        try {
            return client.callRunning("ping", Map.of()).get("pid");
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon stopped answering: " + e.getMessage());
        }
    }
}
