package pm.daemon.engine;

/**
 * The engine's time: monotonic nanoseconds for deadlines and durations, wall-clock milliseconds only for
 * what is shown (start times, exit times). Injected, so tests can drive the engine through time.
 */
public interface Clock {
    long nanos();

    long millis();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }
    };
}
