package pm.cli;

import pm.logs.Changes;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The follow loop of {@code pm logs --follow}: reads every shown log in turn while any has something new,
 * and otherwise waits until something in the logs' folder changes ({@link Changes}), so it costs next to
 * nothing at rest and shows a line as soon as it is written. Following every app, it also picks up apps
 * that start logging meanwhile.
 */
final class Following {
    /** At most this many wake-ups a second come from changes to logs nobody shows (another app writing fast). */
    private static final long MIN_WAKE_NANOS = 100_000_000L;
    /** The longest wait: each follower looks again at least this often, whatever the folder says. */
    private static final long QUIET_MILLIS = 10_000;
    /** A line an app began and has not ended is shown once it has waited this long. */
    private static final long UNENDED_LINE_NANOS = 1_000_000_000L;
    /** The shortest time between two looks for apps that came (each is a request to the daemon). */
    private static final long LOOK_NANOS = 2_000_000_000L;

    /** The logs of apps that came since the last call (none: empty). */
    interface Newcomers {
        List<ShownLog> come() throws IOException;
    }

    private final List<ShownLog> shown;
    private final OutputStream sink;
    private final PrintStream out;
    private final Path dir;
    private final Newcomers newcomers;
    private final byte[] buf;

    /** {@code newcomers} is null when only the named apps are shown. */
    Following(List<ShownLog> shown, OutputStream sink, PrintStream out, Path dir, Newcomers newcomers, byte[] buf) {
        this.shown = shown;
        this.sink = sink;
        this.out = out;
        this.dir = dir;
        this.newcomers = newcomers;
        this.buf = buf;
    }

    void run() throws IOException, InterruptedException {
        try (var changes = new Changes(dir)) {
            long woke = 0, lookedAt = System.nanoTime(), folder = modified();
            boolean lookDue = false;
            while (!out.checkError()) {
                if (round() > 0) {
                    changes.disarm(); // no watch while lines come: each write would wake the watcher
                    continue;
                }
                if (newcomers != null && !lookDue && modified() != folder) lookDue = true;
                long now = System.nanoTime();
                if (lookDue && now - lookedAt >= LOOK_NANOS) {
                    folder = modified();
                    lookedAt = now;
                    lookDue = false;
                    shown.addAll(newcomers.come());
                    continue;
                }
                if (!changes.armed()) {
                    if (now - woke < MIN_WAKE_NANOS) Thread.sleep((MIN_WAKE_NANOS - (now - woke)) / 1_000_000 + 1);
                    else changes.arm(); // then one more round: what was written before the watch began sends no event
                    continue;
                }
                long wait = QUIET_MILLIS;
                for (var s : shown) if (s.hasUnendedLine()) wait = Math.min(wait, UNENDED_LINE_NANOS / 1_000_000);
                if (lookDue) wait = Math.min(wait, (LOOK_NANOS - (now - lookedAt)) / 1_000_000 + 1);
                if (changes.await(wait)) woke = System.nanoTime();
            }
        }
    }

    /** Reads each log a share (a log written at full speed does not hold the others back); the bytes read. */
    private int round() throws IOException {
        int read = 0;
        for (var s : shown) {
            for (int n, k = 0; k < 4 && (n = s.pump(buf)) > 0; k++) read += n;
            s.endWaitingLine(UNENDED_LINE_NANOS);
        }
        sink.flush();
        return read;
    }

    private long modified() throws IOException {
        return Files.getLastModifiedTime(dir).toMillis();
    }
}
