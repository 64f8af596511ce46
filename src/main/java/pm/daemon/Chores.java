package pm.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's periodic chores (log checks, the heap check, cutting off silent clients) on one thread,
 * {@code pm-timer}: each thread a daemon keeps costs memory at rest. A plain loop that sleeps until the
 * next chore is due, not a {@code ScheduledThreadPoolExecutor}: its queue and futures, run interpreted
 * once a period, cost 3.5 ms of CPU a minute more at rest. A chore runs every period,
 * or, paced, says itself when it is due next. A chore that throws is logged and runs again next period.
 */
final class Chores {
    private static final Logger LOG = Logger.getLogger("pm.daemon");
    /** Chores due this close together run in one wake-up. */
    private static final long SLACK_NANOS = 50_000_000;

    private static final class Chore {
        final long period;
        /** Runs the chore; returns the nanoseconds until it is due again, or -1 for one period. */
        final LongSupplier task;
        final boolean paced;
        long due;

        Chore(long period, LongSupplier task, boolean paced, long due) {
            this.period = period;
            this.task = task;
            this.paced = paced;
            this.due = due;
        }
    }

    /** Added before {@link #start}, then the timer thread's only. */
    private final List<Chore> chores = new ArrayList<>();
    private volatile Thread thread;
    private volatile boolean hurried;

    /** Runs {@code task} every {@code period} (1 ms at least), the first time one period from now. */
    Chores every(Duration period, Runnable task) {
        long nanos = Math.max(1_000_000, period.toNanos());
        chores.add(new Chore(nanos, () -> {
            task.run();
            return -1;
        }, false, System.nanoTime() + nanos));
        return this;
    }

    /**
     * Runs {@code task} at once, then whenever it said it is due next (it returns the nanoseconds until
     * then), or sooner after a {@link #hurry}; after a throw, one {@code period} later.
     */
    Chores paced(Duration period, LongSupplier task) {
        chores.add(new Chore(Math.max(1_000_000, period.toNanos()), task, true, System.nanoTime()));
        return this;
    }

    /** Runs the paced chores at once (they have news to look at). Any thread; cheap. */
    void hurry() {
        hurried = true;
        var t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    void start() {
        thread = Thread.ofPlatform().name("pm-timer").daemon().start(this::loop);
    }

    private void loop() {
        while (true) {
            long now = System.nanoTime();
            boolean hurry = hurried;
            if (hurry) hurried = false;
            long next = Long.MAX_VALUE;
            for (Chore c : chores) {
                if (c.due - now <= SLACK_NANOS || (hurry && c.paced)) c.due = now + run(c);
                next = Math.min(next, c.due);
            }
            long sleep = next - System.nanoTime();
            if (sleep <= 0) continue;
            // Not Thread.sleep: a hurry unparks it.
            LockSupport.parkNanos(sleep);
            if (Thread.interrupted()) return;
        }
    }

    /** A method, not the loop's body: the loop runs once a period and stays interpreted. */
    private static long run(Chore c) {
        try {
            long delay = c.task.getAsLong();
            return delay < 0 ? c.period : delay;
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "pm-timer: " + t + "; runs again next period", t);
            return c.period;
        }
    }
}
