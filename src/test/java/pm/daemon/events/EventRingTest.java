package pm.daemon.events;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

class EventRingTest {
    static ProcessEvent event(int i) {
        return new ProcessEvent.Unregistered(i, "app-" + i);
    }

    @Test
    void readersGetTheEventsAfterTheNumberTheyGiveInOrder() {
        var ring = new EventRing(8);
        assertThat(ring.last()).isZero();
        assertThat(ring.after(0, 10).events()).isEmpty();
        for (int i = 1; i <= 5; i++) ring.append(event(i));
        assertThat(ring.last()).isEqualTo(5);
        var read = ring.after(2, 10);
        assertThat(read.gone()).isFalse();
        assertThat(read.events()).extracting(EventRing.Numbered::seq).containsExactly(3L, 4L, 5L);
        assertThat(read.events().getFirst().event().name()).isEqualTo("app-3");
        assertThat(ring.after(2, 2).events()).extracting(EventRing.Numbered::seq).containsExactly(3L, 4L);
        assertThat(ring.after(5, 10).events()).isEmpty();
    }

    @Test
    void eventsOverwrittenByNewerOnesAreReportedGoneNotSkipped() {
        var ring = new EventRing(8);
        for (int i = 1; i <= 20; i++) ring.append(event(i));
        assertThat(ring.after(11, 10).gone()).as("event 12 was overwritten by 20").isTrue();
        assertThat(ring.after(12, 100).events()).extracting(EventRing.Numbered::seq).containsExactly(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
    }

    @Test
    void aReaderOnAnotherThreadSeesEveryEventOnceAndInOrderWhileTheWriterRuns() throws Exception {
        var ring = new EventRing(64);
        var seen = new ArrayList<Long>();
        var progress = new AtomicLong();
        var reader = Thread.ofPlatform().start(() -> {
            ring.wakeOnAppend();
            long cursor = 0;
            while (cursor < 10_000) {
                var read = ring.after(cursor, 16);
                if (read.gone()) throw new AssertionError("fell behind at " + cursor);
                for (var n : read.events()) seen.add(n.seq());
                if (!read.events().isEmpty()) progress.set(cursor = read.events().getLast().seq());
                else LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            ring.forget();
        });
        for (int i = 1; i <= 10_000; i++) {
            ring.append(event(i));
            // A writer faster than the reader would overwrite what it has not read: that is the "gone" case, tested above.
            while (ring.last() - progress.get() > 32) Thread.onSpinWait();
        }
        reader.join(10_000);
        assertThat(seen).hasSize(10_000);
        for (int i = 0; i < seen.size(); i++) assertThat(seen.get(i)).isEqualTo(i + 1L);
    }
}
