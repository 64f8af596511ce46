package pm.daemon.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The last {@link #CAPACITY} process events, numbered from 1, for the event stream: one writer (the
 * engine thread) appends without ever blocking, any number of readers (the stream's threads) read at their
 * own pace. Lock-free: each slot holds its event with its number, so a reader that finds a newer number in
 * a slot knows the event it wanted was overwritten. Readers that wait are woken by {@code unpark}, which
 * never blocks the engine.
 */
public final class EventRing {
    /** A few minutes of events even when many apps crash-loop at once; about 100 bytes each. */
    public static final int CAPACITY = 4096;

    /** An event and its number. */
    public record Numbered(long seq, ProcessEvent event) {}

    /** What a reader gets: the events after the number it gave (in order), or {@code gone} when some were overwritten. */
    public record Read(List<Numbered> events, boolean gone) {}

    private final AtomicReferenceArray<Numbered> slots;
    private final int capacity;
    /** The number of the next event; written by the engine thread only, after its slot. */
    private volatile long next = 1;
    private final CopyOnWriteArrayList<Thread> waiting = new CopyOnWriteArrayList<>();

    public EventRing() {
        this(CAPACITY);
    }

    EventRing(int capacity) {
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** Engine thread only. */
    public void append(ProcessEvent event) {
        long seq = next;
        slots.set((int) (seq % capacity), new Numbered(seq, event));
        next = seq + 1;
        for (Thread t : waiting) LockSupport.unpark(t);
    }

    /** The number of the last event, 0 before the first. */
    public long last() {
        return next - 1;
    }

    /** The events numbered after {@code seq}, at most {@code max}; gone if the first of them was overwritten. */
    public Read after(long seq, int max) {
        long end = next;
        long from = Math.max(seq + 1, 1);
        if (from >= end) return new Read(List.of(), false);
        if (from < end - capacity) return new Read(List.of(), true);
        var out = new ArrayList<Numbered>((int) Math.min(max, end - from));
        for (long s = from; s < end && out.size() < max; s++) {
            var n = slots.get((int) (s % capacity));
            if (n == null || n.seq() != s) return new Read(List.of(), true); // overwritten while we read
            out.add(n);
        }
        return new Read(out, false);
    }

    /** The calling thread is unparked on each append until it {@link #forget}s; it parks by itself. */
    public void wakeOnAppend() {
        waiting.addIfAbsent(Thread.currentThread());
    }

    public void forget() {
        waiting.remove(Thread.currentThread());
    }
}
