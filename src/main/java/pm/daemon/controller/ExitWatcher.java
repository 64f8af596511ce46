package pm.daemon.controller;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;

/**
 * One thread that notices every app's exit: it polls the apps' pidfds (and an eventfd that says "a new
 * app to watch"), reaps the children among them with {@code waitid(P_PIDFD)} for their exact status,
 * and completes each run's exit future. It sleeps in {@code poll} while nothing ends: no thread per app,
 * no polling timer.
 */
final class ExitWatcher {
    private static final Logger LOG = Logger.getLogger("pm.exits");

    private final int wake = Posix.eventfd();
    private final ConcurrentLinkedQueue<Controller.Run> incoming = new ConcurrentLinkedQueue<>();

    ExitWatcher() {
        Thread.ofPlatform().name("pm-exits").daemon().start(this::run);
    }

    void watch(Controller.Run run) {
        incoming.add(run);
        Posix.eventfdSignal(wake, false);
    }

    private void run() {
        Map<Integer, Controller.Run> watched = new HashMap<>();
        int[] fds = new int[16];
        int[] ready = new int[64];
        while (true) {
            try {
                fds = round(watched, fds, ready);
            } catch (Throwable t) {
                // The only thread that sees exits must not die of one bad round.
                LOG.severe("exit watcher: " + t);
            }
        }
    }

    private int[] round(Map<Integer, Controller.Run> watched, int[] fds, int[] ready) {
        {
            for (Controller.Run r; (r = incoming.poll()) != null; ) watched.put(r.pidfd(), r);
            if (fds.length < watched.size() + 1) fds = new int[(watched.size() + 1) * 2];
            int n = 0;
            fds[n++] = wake;
            for (int fd : watched.keySet()) fds[n++] = fd;
            int got = Posix.poll(fds, n, ready);
            for (int i = 0; i < got; i++) {
                int fd = ready[i];
                if (fd == wake) {
                    Posix.eventfdSignal(wake, true);
                    continue;
                }
                var run = watched.remove(fd);
                if (run != null) finish(run);
            }
        }
        return fds;
    }

    private static void finish(Controller.Run run) {
        OptionalInt status = OptionalInt.empty();
        if (run.child()) {
            try {
                status = OptionalInt.of(Posix.reap(run.pidfd()));
            } catch (Posix.Failure e) {
                LOG.warning("cannot reap pid " + run.pid() + ": " + e.getMessage());
            }
        }
        run.close();
        run.exit().complete(status);
    }
}
