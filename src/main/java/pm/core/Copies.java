package pm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How many copies of an app run, the listening sockets pm holds for them all, and when a new copy counts
 * as ready in a rolling reload where it has no health check of its own ({@code readyAfter}; 0: the
 * default, {@link #DEFAULT_READY_AFTER}, or its first heartbeat, whichever comes first).
 */
public record Copies(int count, List<String> sockets, Duration readyAfter) {
    public static final int MAX = 1000;
    public static final Copies ONE = new Copies(1, List.of(), Duration.ZERO);
    public static final Duration DEFAULT_READY_AFTER = Duration.ofSeconds(2);

    public Copies {
        if (count < 1 || count > MAX) throw PmException.invalid("--instances " + count + " is out of range: use 1 to " + MAX);
        sockets = List.copyOf(sockets);
        var seen = new ArrayList<String>();
        for (String s : sockets) {
            String problem = SocketAddress.problem(s);
            if (!problem.isEmpty()) throw PmException.invalid("--socket " + problem);
            if (seen.contains(s)) throw PmException.invalid("--socket " + s + " is given twice");
            seen.add(s);
        }
        if (readyAfter == null || readyAfter.isNegative()) throw PmException.invalid("bad --ready-after");
    }

    /** The time a new copy with no health check is given before it counts as ready. */
    public Duration readyAfterOrDefault() {
        return readyAfter.isZero() ? DEFAULT_READY_AFTER : readyAfter;
    }
}
