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
    private final Home home;

    Client(Home home) {
        this.home = home;
    }

    Home home() {
        return home;
    }

    /** How long a command keeps trying while the daemon is busy: a burst of commands clears in far less. */
    private static final long BUSY_RETRY_MILLIS = 2000;

    /**
     * Sends one request, starting the daemon first if none answers. A daemon with every connection slot
     * taken refuses the request unread, so it is sent again, with a doubling pause, for up to 2 s.
     */
    Map<String, Object> call(String cmd, Map<String, Object> args) {
        long waited = 0;
        for (long pause = 20; ; pause *= 2) {
            try {
                return callOnce(cmd, args);
            } catch (PmException e) {
                if (e.code() != ErrorCode.BUSY) throw e;
                long next = Math.min(pause, BUSY_RETRY_MILLIS - waited);
                if (next <= 0)
                    throw new PmException(ErrorCode.BUSY, "the daemon is busy: " + e.getMessage()
                            + "; retry in a moment (pm tried for " + waited + " ms)");
                sleep(next);
                waited += next;
            }
        }
    }

    private Map<String, Object> callOnce(String cmd, Map<String, Object> args) {
        SocketChannel ch;
        try {
            ch = connect();
        } catch (IOException noDaemon) {
            startDaemon();
            try {
                ch = connect();
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        try {
            return Protocol.result(exchange(ch, request(cmd, args)));
        } catch (Unsent e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon closed the connection before it read the request ("
                    + e.getMessage() + "); nothing was done: retry");
        } catch (IOException e) {
            // Sent, but no answer: never send again, it may have been carried out.
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon closed the connection before it answered ("
                    + e.getMessage() + "); the command may have taken effect: check " + CommandLine.PM + " status");
        }
    }

    /** The request could not be sent whole, and no answer came: the daemon cannot have carried it out. */
    private static final class Unsent extends IOException {
        Unsent(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Refuses a socket that another user owns or that others can write: whoever made it could answer
     * in the daemon's place. A missing socket is fine (connect fails and a daemon is started).
     */
    private void trustSocket() {
        Path socket = home.socket();
        try {
            var attributes = Files.readAttributes(socket, "unix:uid,mode");
            int uid = (Integer) attributes.get("uid");
            int mode = (Integer) attributes.get("mode");
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (uid != me || (mode & 0022) != 0)
                throw new PmException(ErrorCode.INVALID, "refusing " + socket + ": it belongs to uid " + uid
                        + " with mode " + Integer.toOctalString(mode & 0777) + "; only a socket of your own, writable by you alone, is trusted");
        } catch (java.nio.file.NoSuchFileException missing) {
            // no daemon yet
        } catch (IOException e) {
            throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "cannot check " + socket + ": " + e.getMessage());
        }
    }

    /** Sends one request to a daemon that must already run; IOException if none does. */
    Map<String, Object> callRunning(String cmd, Map<String, Object> args) throws IOException {
        return Protocol.result(exchange(connect(), request(cmd, args)));
    }

    private SocketChannel connect() throws IOException {
        trustSocket();
        preferPlatformSelectorProvider();
        var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(home.socket()));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** The request line; it says how the user runs pm when that is not plain "pm", for the commands the daemon's hints name. */
    private static String request(String cmd, Map<String, Object> args) {
        if (CommandLine.PM.equals("pm")) return Protocol.request(cmd, args);
        var with = new java.util.LinkedHashMap<>(args);
        with.put("as", CommandLine.PM);
        return Protocol.request(cmd, with);
    }

    private static String exchange(SocketChannel channel, String request) throws IOException {
        try (var ch = channel) {
            var req = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            IOException unsent = null;
            try {
                while (req.hasRemaining()) ch.write(req);
            } catch (IOException e) {
                // A daemon that refuses a connection (too busy) answers and closes without reading: the
                // send fails, and its answer is there to read.
                unsent = new Unsent(e);
            }
            var buf = ByteBuffer.allocate(64 * 1024);
            var out = new ByteArrayOutputStream();
            try {
                while (ch.read(buf) >= 0) {
                    boolean end = buf.position() > 0 && buf.get(buf.position() - 1) == '\n';
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                    if (end) break;
                }
            } catch (IOException e) {
                if (unsent == null) throw e;
            }
            if (out.size() == 0) throw unsent != null ? unsent : new IOException("no reply");
            // Closing a connected channel in blocking mode first reads SO_LINGER, and that initialises the
            // JDK's socket option probes (libextnet, five test sockets): about 2 ms. Non-blocking, it just closes.
            ch.configureBlocking(false);
            return out.toString(StandardCharsets.UTF_8).trim();
        }
    }

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";
    private static final String LINUX_SELECTOR_PROVIDER = "sun.nio.ch.EPollSelectorProvider";

    /**
     * The first {@code SocketChannel.open} looks for a selector provider on the class path, which opens
     * and indexes pm.jar (otherwise never opened: the AOT cache holds the classes): about 4 ms of every
     * command. Naming the JDK's own Linux provider, which it would pick anyway, skips that search; a JDK
     * without that class searches as before.
     */
    private static void preferPlatformSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER) != null) return;
        try {
            Class.forName(LINUX_SELECTOR_PROVIDER, false, null);
            System.setProperty(SELECTOR_PROVIDER, LINUX_SELECTOR_PROVIDER);
        } catch (ClassNotFoundException e) {
            // another platform or JDK: the JDK's own search finds its default
        }
    }

    /**
     * Starts a daemon in its own session, logging to daemon.log, and waits until it answers. A daemon that
     * finds another one serving the home (one still exiting, or one another command started first) exits
     * at once; then this waits for that one, or tries again once it is gone.
     */
    void startDaemon() {
        home.ensure();
        try {
            if (!Files.exists(home.daemonLog()))
                Files.createFile(home.daemonLog(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            // created meanwhile by another pm, or unwritable: the start below reports the latter
        }
        // The launcher owns the daemon's JVM flags, so they are written down in one place.
        String launcher = System.getProperty("pm.launcher", "");
        if (launcher.isEmpty()) throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "no daemon runs and pm was not started through its launcher script");
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            Process daemon;
            try {
                var pb = new ProcessBuilder("setsid", launcher, "daemon", "run").directory(home.dir().toFile());
                // Absolute: the daemon runs in the home, where a relative PM_HOME would mean something else.
                pb.environment().put("PM_HOME", home.dir().toString());
                daemon = pb
                        .redirectInput(new File("/dev/null"))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.daemonLog().toFile()))
                        .redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "cannot start the daemon: " + e.getMessage());
            }
            while (System.nanoTime() < deadline) {
                if (answers()) return;
                if (!daemon.isAlive()) {
                    if (daemon.exitValue() != Home.ALREADY_SERVED)
                        throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon exited with status "
                                + daemon.exitValue() + " at start: " + lastLine(home.daemonLog()));
                    break; // another daemon holds the home: wait for it below, or start again once it is gone
                }
                pause();
            }
            for (int i = 0; i < 20 && System.nanoTime() < deadline; i++) {
                if (answers()) return;
                pause();
            }
        }
        throw new PmException(ErrorCode.DAEMON_UNREACHABLE, "the daemon did not answer within 15s; see " + home.daemonLog());
    }

    private static void pause() {
        sleep(10);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
