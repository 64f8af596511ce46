package pm.daemon.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Replies that wait until every process they name satisfies a condition (a start once spawned, a stop
 * once the whole group is gone); checked after every step. Engine thread only.
 */
final class Waiters {
    private record Waiter(List<String> names, Predicate<Proc> done, Runnable then) {}

    private final List<Waiter> waiting = new ArrayList<>();

    void add(List<String> names, Predicate<Proc> done, Runnable then) {
        waiting.add(new Waiter(names, done, then));
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    /**
     * Runs, in the order they came, the waiters whose processes are all done (or gone); again while one
     * ran, since it may have added another that is done already (the next wave of a stop in order).
     */
    void settle(Map<String, Proc> procs) {
        boolean ran = true;
        while (ran && !waiting.isEmpty()) {
            ran = false;
            for (var w : List.copyOf(waiting)) {
                // A loop, not a stream with a lambda: one class fewer kept by the daemon.
                boolean done = true;
                for (String n : w.names()) done &= procs.get(n) == null || w.done().test(procs.get(n));
                if (done) {
                    waiting.remove(w);
                    w.then().run();
                    ran = true;
                }
            }
        }
    }
}
