package pm.cli;

import pm.core.ErrorCode;
import pm.core.Home;
import pm.core.PmException;
import pm.core.Protocol;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** Talks to the daemon over its Unix socket, and starts the daemon on demand. */
final class Client {
    private static final int DAEMON_ALREADY_RUNNING = 10;

    private final Home home;

    Client(Home home) {
        this.home = home;
    }

    /** Sends one request, starting the daemon first if none answers. */
    Map<String, Object> call(String cmd, Map<String, Object> args) {
        String request = Protocol.request(cmd, args);
        try {
            return Protocol.result(exchange(request));
        } catch (IOException first) {
            startDaemon();
            try {
                return Protocol.result(exchange(request));
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
    }

    /** Sends one request to a daemon that must already run; IOException if none does. */
    Map<String, Object> callRunning(String cmd, Map<String, Object> args) throws IOException {
        return Protocol.result(exchange(Protocol.request(cmd, args)));
    }

    private String exchange(String request) throws IOException {
        try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(home.socket()));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            var buf = ByteBuffer.allocate(64 * 1024);
            var out = new ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
                if (out.size() > 0 && out.toByteArray()[out.size() - 1] == '\n') break;
            }
            if (out.size() == 0) throw new IOException("the daemon closed the connection without a reply");
            return out.toString(StandardCharsets.UTF_8).trim();
        }
    }

    /** Starts a daemon in its own session, logging to daemon.log, and waits until it answers. */
    void startDaemon() {
        try {
            var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            if (!Files.isDirectory(home.dir())) Files.createDirectories(home.dir(), owner);
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "cannot create " + home.dir() + ": " + e.getMessage());
        }
        // The launcher owns the daemon's JVM flags, so they are written down in one place.
        String launcher = System.getProperty("pm.launcher", "");
        if (launcher.isEmpty()) throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "no daemon runs and pm was not started through its launcher script");
        var cmd = List.of("setsid", launcher, "daemon", "run");
        Process daemon;
        try {
            daemon = new ProcessBuilder(cmd)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "cannot start the daemon: " + e.getMessage());
        }
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (answers()) return;
            // Losing the race to another daemon is fine: keep waiting for that one to answer.
            if (!daemon.isAlive() && daemon.exitValue() != DAEMON_ALREADY_RUNNING)
                throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon exited with status "
                        + daemon.exitValue() + " at start: " + lastLine(home.daemonLog()));
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon did not answer within 15s; see " + home.daemonLog());
    }

    boolean answers() {
        try {
            callRunning("ping", Map.of());
            return true;
        } catch (IOException | PmException e) {
            return false;
        }
    }

    private PmException unreachable(IOException e) {
        return new PmException(ErrorCode.DAEMON_UNREACHABLE, "cannot reach the daemon at " + home.socket()
                + ": " + e.getMessage() + "; see " + home.daemonLog());
    }

    static String lastLine(Path file) {
        try {
            var lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).trim();
        } catch (IOException ignored) {
            // nothing to show
        }
        return "(no output)";
    }
}
