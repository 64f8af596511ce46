package pm.daemon.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts off clients that stop reading. Every write of a response goes through {@link #writing}; a write
 * still blocked after {@link #LIMIT} (the client's buffers are full: it reads nothing) has its thread
 * interrupted, which closes the connection (the JDK's server blocks in a socket channel, which an
 * interrupt closes), so the thread is free again and the client gets nothing more. The daemon's timer
 * calls {@link #check} every few seconds.
 */
final class Watchdog {
    static final Duration LIMIT = Duration.ofSeconds(10);

    /** One write under way; closed when done. */
    final class Write implements AutoCloseable {
        private final Thread thread = Thread.currentThread();
        private final long since = System.nanoTime();
        private boolean done;

        @Override
        public void close() {
            synchronized (this) {
                done = true;
            }
            open.remove(this);
            Thread.interrupted(); // a cut-off that came as the write ended must not hit this thread's next job
        }

        synchronized boolean cutIfOverdue(long now, long limit) {
            if (done || now - since < limit) return false;
            thread.interrupt();
            return true;
        }
    }

    private final Set<Write> open = ConcurrentHashMap.newKeySet();
    private final long limit;

    Watchdog() {
        this(LIMIT);
    }

    Watchdog(Duration limit) {
        this.limit = limit.toNanos();
    }

    Write writing() {
        var w = new Write();
        open.add(w);
        return w;
    }

    /** Cuts off the writes that are overdue; returns how many. Any thread. */
    int check() {
        if (open.isEmpty()) return 0;
        long now = System.nanoTime();
        int cut = 0;
        for (var w : open) if (w.cutIfOverdue(now, limit)) cut++;
        return cut;
    }
}
