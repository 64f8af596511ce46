package pm.daemon.api;

import pm.core.ErrorCode;
import pm.core.Json;
import pm.core.PmException;
import pm.core.Protocol;
import pm.daemon.engine.Engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The control socket: one request line in, one reply line out, per connection. Each connection gets
 * a thread of its own, which ends with it, so a slow client never blocks the engine; at most
 * {@link #MAX_CONNECTIONS} at once, and one that sends nothing is cut off after the deadline (checked
 * by the daemon's timer thread, {@link #cutOffSilent}, every few seconds). Platform
 * threads, not virtual ones: a command lives a few milliseconds, and virtual threads kept their
 * scheduler's four threads and classes for good (0.4-0.8 MiB of a daemon at rest;
 * health probes still run on virtual threads, so a daemon with health checks pays that anyway).
 * Whatever a client sends, the daemon answers or drops it and keeps serving.
 */
public final class Server {
    private static final Logger LOG = Logger.getLogger("pm.api");

    /** More connections at once than this are answered with an error and closed. */
    static final int MAX_CONNECTIONS = 256;
    /** A client gets this long to send its request line; waiting for the reply has no limit. */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

    private final Engine engine;
    private final ServerSocketChannel channel;
    private final Runnable onShutdown;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    /** The one request line at a time that may be longer than {@link Protocol#MAX_LINE_BYTES}. */
    private final Semaphore large = new Semaphore(1);
    private final Duration deadline;
    /** Clients still to send their request line, with the nanoTime by which they must. */
    private final Map<SocketChannel, Long> awaited = new ConcurrentHashMap<>();
    /** Commands another part of the daemon answers, on the client's thread, not the engine's. */
    private final Map<String, Function<Map<String, Object>, Map<String, Object>>> doors = new ConcurrentHashMap<>();

    private Server(Engine engine, ServerSocketChannel channel, Duration deadline, Runnable onShutdown) {
        this.engine = engine;
        this.channel = channel;
        this.deadline = deadline;
        this.onShutdown = onShutdown;
    }

    /**
     * Binds the socket (replacing a stale one, which the caller's lock proves is stale), mode 0600 from the
     * instant it exists.
     */
    public static Server bind(Path socket, Engine engine, Runnable onShutdown) throws IOException {
        return bind(socket, engine, REQUEST_DEADLINE, onShutdown);
    }

    static Server bind(Path socket, Engine engine, Duration deadline, Runnable onShutdown) throws IOException {
        Files.deleteIfExists(socket);
        var ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bind makes the socket with the process's umask: set to 0600 after, it was open to others for a
        // moment (another user connected 15 times in 20 starts under umask 000). A private umask around
        // bind closes that gap. The umask is the whole process's, but nothing else creates files then: the
        // daemon binds before its engine runs, so no app is being spawned to inherit it.
        int umask = umask(0177);
        try {
            ch.bind(UnixDomainSocketAddress.of(socket));
        } finally {
            umask(umask);
        }
        return new Server(engine, ch, deadline, onShutdown);
    }

    private static final MethodHandle UMASK = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("umask").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    /** Sets the process's file mode mask (libc {@code umask}, which the JDK lacks); returns the previous one. */
    private static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw new IllegalStateException("umask failed", t);
        }
    }

    /**
     * Has {@code door} answer {@code cmd} instead of the engine: for what is not the engine's state (the HTTP
     * side's tokens and login links). It runs on the client's thread and may throw a {@link PmException}.
     */
    public void answer(String cmd, Function<Map<String, Object>, Map<String, Object>> door) {
        doors.put(cmd, door);
    }

    /** Closes the connections whose request line is overdue. Any thread; the daemon's timer calls it. */
    public void cutOffSilent() {
        if (awaited.isEmpty()) return;
        long now = System.nanoTime();
        awaited.forEach((client, by) -> {
            if (now - by >= 0 && awaited.remove(client, by)) close(client);
        });
    }

    /** Accepts connections until the channel is closed. */
    public void serve() {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                // Refused here, before a thread is made for it: a flood of clients costs no threads.
                if (!slots.tryAcquire()) {
                    refuse(client);
                    continue;
                }
                try {
                    Thread.ofPlatform().daemon().name("pm-client").start(() -> {
                        try {
                            handle(client);
                        } finally {
                            slots.release();
                        }
                    });
                } catch (Throwable e) {
                    // No thread to be had (the user's process limit, which the apps count against too):
                    // drop this client and keep accepting, rather than let this loop end.
                    slots.release();
                    close(client);
                    LOG.warning("cannot start a thread for a client: " + e);
                    pause();
                }
            } catch (IOException e) {
                if (!channel.isOpen()) return;
                // Out of file descriptors, say: back off instead of spinning.
                LOG.warning("accept: " + e.getMessage());
                pause();
            }
        }
    }

    /** Backs off a little instead of spinning on an error that repeats. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    public void close() throws IOException {
        channel.close();
    }

    private static void refuse(SocketChannel client) {
        try (client) {
            // Unread: the client may get EPIPE sending its request, and then reads this answer.
            client.write(ByteBuffer.wrap((Protocol.error(ErrorCode.BUSY, "too many connections (" + MAX_CONNECTIONS
                    + ") at once; nothing was done") + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
            // it went away
        }
    }

    private void handle(SocketChannel client) {
        boolean shutdown = false;
        var held = new boolean[1];
        try (client) {
            String reply;
            try {
                // A client that connects and never sends is cut off after the deadline.
                awaited.put(client, System.nanoTime() + deadline.toNanos());
                String line;
                try {
                    line = readLine(Channels.newInputStream(client), large, held);
                } finally {
                    awaited.remove(client);
                }
                var request = Json.parseObject(line);
                if (!(request.get("v") instanceof Long v) || v != Protocol.VERSION) throw versionMismatch(request.get("v"));
                if (!(request.get("cmd") instanceof String cmd)) throw new PmException(ErrorCode.BAD_REQUEST, "no cmd");
                @SuppressWarnings("unchecked")
                var args = request.get("args") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.<String, Object>of();
                var door = doors.get(cmd);
                if (door != null) {
                    reply = Protocol.ok(door.apply(args));
                } else {
                    if (engine.hasStopped()) throw new PmException(ErrorCode.INTERNAL, "the daemon's engine has stopped; see daemon.log");
                    reply = Protocol.ok(engine.submit(cmd, args).get());
                }
                shutdown = cmd.equals("shutdown");
            } catch (Json.ParseException e) {
                reply = Protocol.error(ErrorCode.BAD_REQUEST, "malformed request: " + e.getMessage());
            } catch (PmException e) {
                reply = Protocol.error(e.code(), e.getMessage());
            } catch (ExecutionException e) {
                reply = e.getCause() instanceof PmException pe
                        ? Protocol.error(pe.code(), pe.getMessage())
                        : Protocol.error(ErrorCode.INTERNAL, String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                return;
            }
            // A large reply (status of 1000 apps) takes several writes: one write may send only part of it.
            var out = ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) client.write(out);
        } catch (IOException e) {
            // The client went away; nothing to answer.
        } finally {
            if (held[0]) large.release();
        }
        if (shutdown) onShutdown.run();
    }

    /** Names the version the request gave, as it gave it (a string "1" is not the number 1), and this daemon's. */
    static PmException versionMismatch(Object v) {
        String given = v == null ? "the request names no protocol version"
                : "protocol version " + Json.write(v) + (v instanceof String ? " (a string)" : "") + " is not supported";
        return new PmException(ErrorCode.BAD_REQUEST, given + " (this daemon speaks version " + Protocol.VERSION
                + "); run pm daemon stop and retry");
    }

    private static void close(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /**
     * Reads one line, refusing more than {@link Protocol#MAX_LINE_BYTES}, or {@link
     * Protocol#MAX_LARGE_LINE_BYTES} while it holds {@code large} (then {@code held[0]} is set, and the
     * caller releases it once the request is answered); with the permit taken, a long line is BUSY.
     */
    static String readLine(InputStream in, Semaphore large, boolean[] held) throws IOException {
        var buf = new ByteArrayOutputStream(256);
        byte[] chunk = new byte[8192];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) break;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    buf.write(chunk, 0, i);
                    return buf.toString(StandardCharsets.UTF_8);
                }
            }
            buf.write(chunk, 0, n);
            if (buf.size() > Protocol.MAX_LINE_BYTES && !held[0]) {
                held[0] = large.tryAcquire();
                if (!held[0]) throw new PmException(ErrorCode.BUSY, "another long request is being read; nothing was done");
            }
            if (buf.size() > Protocol.MAX_LARGE_LINE_BYTES)
                throw new PmException(ErrorCode.BAD_REQUEST, "request longer than " + Protocol.MAX_LARGE_LINE_BYTES + " bytes");
        }
        if (buf.size() == 0) throw new PmException(ErrorCode.BAD_REQUEST, "empty request");
        return buf.toString(StandardCharsets.UTF_8);
    }
}
