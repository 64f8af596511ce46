package pm.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;

/**
 * A log's recent past: the last lines, those a test accepts, those since a time. {@link #find} reads the
 * log backwards from its end, through the rotated files the rotation record knows, and returns the span
 * of positions they take; {@link #read} returns its bytes, and a {@link Follower} started at its end
 * shows what comes next, through whatever rotations happen meanwhile (or one started at its start
 * shows both).
 *
 * <p>The last N lines of a log: {@code Backlog.read(live, Backlog.find(live, n, null, Stamps.NONE))}.
 */
public final class Backlog {
    private Backlog() {}

    /** Looks at a line's bytes (its first 64 KiB at most, without the newline). */
    public interface LineTest {
        boolean test(byte[] b, int off, int len);
    }

    /**
     * Positions {@code [from, to)} of a log: {@code to} is where it ended when the span was found (or where
     * the line an app was writing then ended, a moment later).
     */
    public record Span(long from, long to) {}

    /**
     * The span from where the log, up to its end now, holds the last {@code lines} lines that
     * {@code test} accepts (every line: null), or all of them when {@code lines} is negative; and with
     * {@code since} (epoch milliseconds, or {@link Stamps#NONE}), no line dated before it. A line dated by
     * a timestamp it begins with ({@link Stamps#at}) dates the lines after it that have none; lines above
     * the first date read count as recent; a file last changed before {@code since} is not read at all.
     */
    public static Span find(Path live, int lines, LineTest test, long since) throws IOException {
        try (var channel = open(live)) {
            for (; ; ) {
                var layout = Layout.now(live, channel);
                long end = lineEnd(layout, layout.end());
                if (layout.moved()) continue; // the live file's size may be after the cut, and the record before it
                return new Span(lines == 0 ? end : new Scan(layout, end, since).start(lines, test), end);
            }
        }
    }

    /**
     * Where the line that ends the log at {@code end} ends, once it has: a reader may see an app's write
     * half done, cut at a page (the file grows a page at a time), its line's end coming a moment later. A
     * line left unfinished anywhere else is the app's own doing, and the log ends with it.
     */
    private static long lineEnd(Layout layout, long end) throws IOException {
        long at = end - 1 - layout.cuts.cut();
        if (layout.channel == null || at < 0) return end;
        var b = ByteBuffer.allocate(4096); // the rest of a longer line is not waited for
        for (long until = System.nanoTime() + 100_000_000L; ; ) {
            int n = layout.channel.read(b.clear(), at);
            if (n <= 0 || b.get(0) == '\n') return end;
            for (int i = 1; i < n; i++) if (b.get(i) == '\n') return end + i;
            if (n > 1 || (at + 1) % 4096 != 0 || System.nanoTime() - until > 0) return end;
            sleep();
        }
    }

    /** The bytes of a span, read through rotated files (what was rotated away meanwhile is left out). */
    public static byte[] read(Path live, Span span) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var f = new Follower(live, span.from())) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = read(f, span.to(), buf, 0, buf.length)) > 0; ) out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * Reads the next bytes of a span through a follower, up to the span's end: the count, 0 at the end. A
     * follower returns nothing while a rotation is under way, though the bytes before the end were written:
     * this waits it out (it ends within milliseconds; after 2 s with nothing, a daemon stopped mid-rotation,
     * it gives up and returns 0).
     */
    public static int read(Follower f, long end, byte[] b, int off, int len) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int n; f.position() < end; ) {
            n = f.read(b, off, (int) Math.min(len, end - f.position()));
            if (n > 0 || !f.rotating() || System.nanoTime() - deadline > 0) return n;
        }
        return 0;
    }

    private static FileChannel open(Path live) throws IOException {
        try {
            return FileChannel.open(live, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One backward pass over a layout. */
    private static final class Scan {
        private final long since;
        private final Backwards lines;

        Scan(Layout layout, long end, long since) {
            this.since = since;
            this.lines = new Backwards(layout, end, since);
        }

        /**
         * Walks back line by line. The tail's bound is the start of the {@code count}th accepted line from the
         * end; the date's bound is the start of the oldest line dated since then, found when a line dated
         * before it comes. Lines undated below the tail's line may belong to an old date: the walk goes on to
         * the next date to see.
         */
        long start(int count, LineTest test) throws IOException {
            long oldest = lines.end, tail = -1, recent = lines.end;
            int accepted = 0;
            while (lines.previous()) {
                long s = lines.start;
                long at = since == Stamps.NONE ? Stamps.NONE : Stamps.at(lines.bytes, lines.off, lines.len);
                if (at != Stamps.NONE) {
                    if (at < since) return Math.max(tail, recent);
                    recent = s;
                }
                oldest = s;
                if (tail < 0 && (test == null || test.test(lines.bytes, lines.off, lines.len)) && ++accepted == count) tail = s;
                if (tail >= 0 && (since == Stamps.NONE || at != Stamps.NONE)) return tail;
            }
            return Math.max(tail, oldest);
        }
    }
}
