package pm.heartbeat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Optional heartbeats from a JVM app to pm, with no dependencies (ships as {@code pm-heartbeat.jar}).
 * Each beat is one UDP datagram {@code PMHB1 <id> <secret>} to the address pm put in the app's
 * environment; a send never blocks and never throws, so it costs the app nearly nothing even while no
 * daemon runs. Outside pm (no PM_* variables) every method is a no-op.
 *
 * <pre>{@code
 * Heartbeat hb = Heartbeat.fromEnvironment();
 * hb.start();          // beats every PM_HEARTBEAT_INTERVAL seconds on a daemon thread
 * hb.beat();           // or one beat by hand
 * }</pre>
 */
public final class Heartbeat implements AutoCloseable {
    private final byte[] payload;
    private final InetSocketAddress target;
    private final long intervalMillis;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private DatagramChannel channel;
    private ScheduledExecutorService timer;

    private Heartbeat(String id, String secret, InetSocketAddress target, long intervalMillis) {
        this.payload = id == null ? null : ("PMHB1 " + id + " " + secret).getBytes(StandardCharsets.US_ASCII);
        this.target = target;
        this.intervalMillis = intervalMillis;
    }

    /** A client configured from PM_PROCESS_ID, PM_HEARTBEAT_SECRET, PM_HEARTBEAT_ADDR and PM_HEARTBEAT_INTERVAL. */
    public static Heartbeat fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Heartbeat fromEnvironment(Map<String, String> env) {
        String id = env.get("PM_PROCESS_ID");
        String secret = env.get("PM_HEARTBEAT_SECRET");
        String addr = env.get("PM_HEARTBEAT_ADDR");
        long interval = 10_000;
        try {
            interval = Math.max(100, Math.round(Double.parseDouble(env.getOrDefault("PM_HEARTBEAT_INTERVAL", "10")) * 1000));
        } catch (NumberFormatException ignored) {
            // keep the default
        }
        if (id == null || secret == null || addr == null || addr.lastIndexOf(':') < 0) return new Heartbeat(null, null, null, interval);
        int colon = addr.lastIndexOf(':');
        try {
            var target = new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
            return new Heartbeat(id, secret, target, interval);
        } catch (IllegalArgumentException e) {
            return new Heartbeat(null, null, null, interval);
        }
    }

    /** Whether the app runs under pm (otherwise every call does nothing). */
    public boolean enabled() {
        return payload != null;
    }

    /** Sends one beat; true if the datagram was handed to the OS. Never blocks, never throws. */
    public synchronized boolean beat() {
        if (payload == null) return false;
        try {
            if (channel == null) {
                channel = DatagramChannel.open(StandardProtocolFamily.INET);
                channel.configureBlocking(false);
            }
            boolean ok = channel.send(ByteBuffer.wrap(payload), target) > 0;
            (ok ? sent : errors).incrementAndGet();
            return ok;
        } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            return false;
        }
    }

    /** Beats now and then every interval, on one daemon thread, until {@link #close()}. */
    public synchronized Heartbeat start() {
        if (payload == null || timer != null) return this;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "pm-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::beat, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    public long sent() {
        return sent.get();
    }

    public long errors() {
        return errors.get();
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        timer = null;
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // closing a datagram channel cannot lose anything
        }
        channel = null;
    }
}
