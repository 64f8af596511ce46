package pm.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's periodic chores (log checks, the heap check, cutting off silent clients) on one thread,
 * {@code pm-timer}: each thread a daemon keeps costs memory at rest. A plain loop that sleeps until the
 * next chore is due, not a {@code ScheduledThreadPoolExecutor}: its queue and futures, run interpreted
 * once a period, cost 3.5 ms of CPU a minute more at rest (docs/performance.md). A chore that throws is
 * logged and runs again next period.
 */
final class Chores {
    private static final Logger LOG = Logger.getLogger("pm.daemon");
    /** Chores due this close together run in one wake-up. */
    private static final long SLACK_NANOS = 50_000_000;

    private static final class Chore {
        final long period;
        final Runnable task;
        long due;

        Chore(long period, Runnable task, long due) {
            this.period = period;
            this.task = task;
            this.due = due;
        }
    }

    /** Added before {@link #start}, then the timer thread's only. */
    private final List<Chore> chores = new ArrayList<>();

    /** Runs {@code task} every {@code period} (1 ms at least), the first time one period from now. */
    Chores every(Duration period, Runnable task) {
        long nanos = Math.max(1_000_000, period.toNanos());
        chores.add(new Chore(nanos, task, System.nanoTime() + nanos));
        return this;
    }

    void start() {
        Thread.ofPlatform().name("pm-timer").daemon().start(this::loop);
    }

    private void loop() {
        while (true) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Chore c : chores) {
                if (c.due - now <= SLACK_NANOS) {
                    run(c.task);
                    c.due = now + c.period;
                }
                next = Math.min(next, c.due);
            }
            long sleep = next - System.nanoTime();
            if (sleep <= 0) continue;
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A method, not the loop's body: the loop runs once a period and stays interpreted. */
    private static void run(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "pm-timer: " + t + "; runs again next period", t);
        }
    }
}
