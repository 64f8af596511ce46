package pm.daemon.monitor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Receives heartbeats: UDP datagrams on 127.0.0.1 reading {@code PMHB1 <id> <secret>}. UDP because a
 * send never blocks the app and needs no connection, so an app beats at almost no cost even while no
 * daemon runs, from any language (even bash's /dev/udp). The per-run secret, handed to the app in its
 * environment, keeps any other process from beating for it. It also reports, once per silence, a
 * process that beat and then fell silent longer than its heartbeat timeout.
 */
final class HeartbeatReceiver {
    static final String MAGIC = "PMHB1";

    private final DatagramSocket socket;
    private final Supplier<List<Target>> targets;
    private final Consumer<Observation> sink;
    /** Last beat per run (name and pid), and whether its silence has been reported. Receiver thread only. */
    private final Map<String, long[]> lastBeat = new HashMap<>();
    /**
     * Beats that matched no run, held a moment before they count as rejected: an app can beat before the
     * engine has published its run (a bash client beats within a millisecond of its spawn, and the engine
     * gives the new app the CPU first). Receiver thread only.
     */
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    private record Held(String[] parts, long atMillis) {}

    /** How long an unmatched beat is held, and how often it is looked at again meanwhile. */
    static final long HOLD_MILLIS = 200, RETRY_MILLIS = 5;
    /** At most this many are held; more (a flood of forged beats, say) are rejected at once. */
    static final int MAX_HELD = 64;

    HeartbeatReceiver(int port, Supplier<List<Target>> targets, Consumer<Observation> sink) throws IOException {
        this.socket = bind(port);
        this.targets = targets;
        this.sink = sink;
    }

    private static DatagramSocket bind(int port) throws IOException {
        var loopback = InetAddress.getLoopbackAddress();
        try {
            return new DatagramSocket(new InetSocketAddress(loopback, port));
        } catch (IOException taken) {
            // The remembered port is taken: any free one will do; apps started from now on get it.
            return new DatagramSocket(new InetSocketAddress(loopback, 0));
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    void close() {
        socket.close();
    }

    /**
     * Receives until closed. It wakes only for a datagram or when a beating app's silence is due to be
     * checked; while no app beats, it sleeps in receive() and costs nothing.
     */
    void run() {
        byte[] buf = new byte[512];
        var packet = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                long wait = checkSilences();
                if (!held.isEmpty()) wait = wait == 0 ? RETRY_MILLIS : Math.min(wait, RETRY_MILLIS);
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, wait));
                packet.setLength(buf.length);
                socket.receive(packet);
                accept(new String(buf, 0, packet.getLength(), StandardCharsets.US_ASCII).strip());
            } catch (SocketTimeoutException quiet) {
                // time to check for silences, or the held beats
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
            if (!held.isEmpty()) retryHeld(System.nanoTime() / 1_000_000);
        }
    }

    /** One datagram: reported seen if it matches a run, malformed at once, otherwise held a moment. */
    void accept(String text) {
        String[] parts = text.split(" ");
        if (parts.length != 3 || !parts[0].equals(MAGIC)) {
            sink.accept(new Observation.HeartbeatRejected("", "malformed heartbeat"));
            return;
        }
        var rejected = match(parts);
        if (rejected == null) return;
        if (held.size() < MAX_HELD) held.add(new Held(parts, System.nanoTime() / 1_000_000));
        else sink.accept(rejected);
    }

    /** Matches the held beats against the snapshot again; those held long enough are rejected. */
    private void retryHeld(long nowMillis) {
        for (var it = held.iterator(); it.hasNext(); ) {
            var h = it.next();
            var rejected = match(h.parts());
            if (rejected == null) {
                it.remove();
            } else if (nowMillis - h.atMillis() >= HOLD_MILLIS) {
                it.remove();
                sink.accept(rejected);
            }
        }
    }

    /** Reports a well-formed beat seen and returns null if it matches a run; otherwise returns why not. */
    private Observation.HeartbeatRejected match(String[] parts) {
        // The copies of an app share its id, each run with its own secret: the secret says which copy beat.
        Observation.HeartbeatRejected wrong = null;
        for (Target t : targets.get()) {
            if (!Integer.toString(t.id()).equals(parts[1])) continue;
            byte[] expected = t.secret().getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
                if (wrong == null) wrong = new Observation.HeartbeatRejected(t.name(), "wrong secret");
                continue;
            }
            // Silence is measured on the monotonic clock: a suspend or a clock step must not look like one.
            lastBeat.put(key(t), new long[]{System.nanoTime() / 1_000_000, 0});
            sink.accept(new Observation.HeartbeatSeen(t.name(), t.pid(), System.currentTimeMillis()));
            return null;
        }
        return wrong != null ? wrong : new Observation.HeartbeatRejected("", "no running process with id " + parts[1]);
    }

    /** Reports silences that are due; returns the milliseconds until the next one could be (0: none pending). */
    private long checkSilences() {
        if (lastBeat.isEmpty()) return 0;
        long now = System.nanoTime() / 1_000_000;
        var live = new HashMap<String, Target>();
        for (Target t : targets.get()) live.put(key(t), t);
        lastBeat.keySet().retainAll(live.keySet());
        long next = Long.MAX_VALUE;
        for (var e : lastBeat.entrySet()) {
            Target t = live.get(e.getKey());
            long[] beat = e.getValue();
            long timeout = t.heartbeatTimeout().toMillis();
            if (timeout <= 0 || beat[1] != 0) continue;
            long due = beat[0] + timeout + 1;
            if (now >= due) {
                beat[1] = 1;
                sink.accept(new Observation.HeartbeatSilent(t.name(), t.pid(), now - beat[0]));
            } else {
                next = Math.min(next, due - now);
            }
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next);
    }

    private static String key(Target t) {
        return t.name() + "/" + t.pid();
    }
}
