package pm.daemon;

import java.time.Duration;

/**
 * Gives the Java heap back after a burst. The serial collector grows the old generation on promotion
 * rather than collecting it, and shrinks it only at a full collection, which an idle daemon never
 * reaches: after registering 1000 apps one by one (each save of the registry makes a few hundred KB of
 * short-lived garbage) the heap stayed at its whole 64 MiB cap, with 6 MiB of it live. So a thread
 * looks at the committed heap every few seconds and, when it grew well past what it was after the last
 * collection, asks for one; the launcher's {@code -XX:-ShrinkHeapInSteps} lets that one collection shrink
 * the heap at once. At rest the heap does not grow, so this never collects.
 * {@link #check} runs on the daemon's timer thread.
 */
final class Footprint {
    /** How often the heap is looked at. */
    static final Duration PERIOD = Duration.ofSeconds(5);
    /** Growth of the committed heap that calls for a collection. */
    static final long GROWTH_BYTES = 4L << 20;

    private final Runtime runtime = Runtime.getRuntime();
    /** The committed heap after the last collection, or its low point since. Timer thread only. */
    private long mark = runtime.totalMemory();

    /** Whether a heap of {@code committed} bytes, {@code mark} bytes after the last collection, is worth one. */
    static boolean due(long committed, long mark) {
        return committed - mark > GROWTH_BYTES;
    }

    /** Looks at the heap once, and collects if it grew well past the mark. */
    void check() {
        long committed = runtime.totalMemory();
        if (due(committed, mark)) {
            System.gc();
            mark = runtime.totalMemory();
        } else if (committed < mark) {
            mark = committed;
        }
    }
}
