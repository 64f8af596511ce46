package pm.daemon.http;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The open server-sent-event streams, each on a thread of its own (they last as long as the client stays),
 * at most {@link #MAX} at once. An event stream that falls more than {@link #MAX_BACKLOG} events behind
 * (its client reads too slowly, or not at all) is dropped: its thread is interrupted, which closes its
 * connection, so a stuck client holds no buffer and no thread for long.
 */
final class Streams {
    private static final Logger LOG = Logger.getLogger("pm.http");
    static final int MAX = 32;
    static final long MAX_BACKLOG = 1024;

    /**
     * One open stream, and who opened it (its token ends it when revoked, its session when logged out); an
     * event stream keeps {@code cursor}, the last event it sent (-1 for others).
     */
    static final class Open {
        final Thread thread;
        final String what;
        final Guard.Caller caller;
        volatile long cursor = -1;
        /** Set with the interrupt: a watched write clears an interrupt that comes as it ends, not this. */
        private volatile boolean ended;

        Open(Thread thread, String what, Guard.Caller caller) {
            this.thread = thread;
            this.what = what;
            this.caller = caller;
        }

        void end() {
            ended = true;
            thread.interrupt();
        }

        /** Whether the stream must end; its loop asks before each round. */
        boolean ended() {
            return ended || thread.isInterrupted();
        }
    }

    interface Body {
        void run(Open open) throws IOException, InterruptedException;
    }

    private final Set<Open> open = ConcurrentHashMap.newKeySet();
    /** Whether a caller's token (and session) is still valid; asked once a stream is listed, so no revoke is missed. */
    private final Predicate<Guard.Caller> valid;

    Streams(Predicate<Guard.Caller> valid) {
        this.valid = valid;
    }
    private final Semaphore slots = new Semaphore(MAX);
    private final AtomicLong dropped = new AtomicLong();

    /** Runs {@code body} on a new thread that ends with the stream; refused when {@link #MAX} are open. */
    void start(Call call, String what, Body body) {
        if (!slots.tryAcquire()) throw Refusal.busy(MAX + " streams are open already; close one (a browser tab) and retry");
        call.streaming = true;
        Thread.ofPlatform().name("pm-stream").daemon().start(() -> {
            var o = new Open(Thread.currentThread(), what, call.caller);
            open.add(o);
            if (o.caller != null && !valid.test(o.caller)) o.end();
            try {
                body.run(o);
            } catch (IOException | InterruptedException e) {
                // the client went away, or was dropped
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, what + ": " + e, e);
            } finally {
                open.remove(o);
                slots.release();
                Thread.interrupted();
                try (var w = call.watchdog().writing()) {
                    call.exchange.close(); // writes the end of the response: watched too
                }
            }
        });
    }

    /** Drops the event streams more than {@link #MAX_BACKLOG} behind {@code last}. */
    void check(long last) {
        for (var o : open) {
            if (o.cursor >= 0 && last - o.cursor > MAX_BACKLOG) {
                o.cursor = -1;
                drop(o, "it fell " + MAX_BACKLOG + " events behind");
            }
        }
    }

    void drop(Open o, String why) {
        dropped.incrementAndGet();
        LOG.info("dropped a client of " + o.what + ": " + why);
        o.end();
    }

    /** Ends every stream opened with {@code token}: it was revoked. */
    void endToken(String token) {
        for (var o : open) if (o.caller != null && o.caller.token().equals(token)) o.end();
    }

    /** Ends every stream opened with the session cookie {@code session}: it logged out. */
    void endSession(String session) {
        for (var o : open) if (o.caller != null && session.equals(o.caller.session())) o.end();
    }

    long dropped() {
        return dropped.get();
    }

    int count() {
        return open.size();
    }
}
