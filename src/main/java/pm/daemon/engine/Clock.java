package pm.daemon.engine;

/**
 * The engine's time: monotonic nanoseconds for deadlines and durations, wall-clock milliseconds only for
 * what is shown (start times, exit times). Injected, so tests can drive the engine through time by
 * overriding both. A class rather than an interface with a system instance: one class fewer in the
 * daemon at rest.
 */
public class Clock {
    public long nanos() {
        return System.nanoTime();
    }

    public long millis() {
        return System.currentTimeMillis();
    }
}
