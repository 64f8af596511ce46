package pm.daemon.controller;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Notices every app's exit without a thread of its own: the engine thread sleeps in {@code epoll_wait}
 * on the apps' pidfds and on an eventfd that other threads write to wake it, then reaps the children
 * among the ended ones with {@code waitid(P_PIDFD)} for their exact status. So a crashed app is restarted
 * by the thread that saw it end, with no hand-over between threads.
 */
final class ExitWatcher {
    private static final Logger LOG = Logger.getLogger("pm.exits");

    private final int wake = Posix.eventfd();
    private final Epoll epoll = new Epoll();
    /** By pidfd; touched by the engine thread only. */
    private final Map<Integer, Controller.Run> watched = new HashMap<>();
    private final int[] ready = new int[256];
    private final java.lang.foreign.MemorySegment scratch = Posix.reapScratch();
    /** Runs reaped by the last {@link #await}, to let go of after their restarts, in the next one. */
    private final List<Controller.Run> reaped = new ArrayList<>();

    ExitWatcher() {
        epoll.add(wake);
    }

    /** Engine thread. */
    void watch(Controller.Run run) {
        epoll.add(run.pidfd());
        watched.put(run.pidfd(), run);
    }

    /** Any thread: the engine's current or next {@link #await} returns at once. */
    void wake() {
        Posix.eventfdSignal(wake, false);
    }

    /** Engine thread: sleeps until an app ends, {@link #wake} is called or the timeout passes; returns the ends. */
    List<Processes.Exit> await(long timeoutNanos) {
        // Rounded up, so a deadline is never missed by a wait that returns a little early.
        long millis = timeoutNanos <= 0 ? 0 : Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
        if (!reaped.isEmpty()) release();
        int got = epoll.await(ready, (int) millis);
        var exits = new ArrayList<Processes.Exit>(got);
        for (int i = 0; i < got; i++) {
            int fd = ready[i];
            if (fd == wake) {
                Posix.eventfdSignal(wake, true);
                continue;
            }
            var run = watched.remove(fd);
            if (run != null) exits.add(finish(run));
        }
        return exits;
    }

    private Processes.Exit finish(Controller.Run run) {
        OptionalInt status = OptionalInt.empty();
        if (run.child()) {
            try {
                status = OptionalInt.of(Posix.reap(run.pidfd(), scratch));
            } catch (Posix.Failure e) {
                LOG.warning("cannot reap pid " + run.pid() + ": " + e.getMessage());
            }
        }
        // Its pidfd is let go of in the next await, after the engine has restarted the app: two calls less
        // on a restart's path. Until then it stays in the set, readable, and is not waited on.
        reaped.add(run);
        return new Processes.Exit(run, status);
    }

    /** Takes the reaped runs' pidfds out of the set, then closes them (in that order: see Epoll#remove). */
    private void release() {
        for (var run : reaped) {
            try {
                epoll.remove(run.pidfd());
            } catch (IllegalStateException e) {
                LOG.warning("pid " + run.pid() + ": " + e.getMessage());
            }
            run.close();
        }
        reaped.clear();
    }
}
