package pm.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A log's files as one run of positions, as one record describes them: the rotated files oldest first,
 * then the live file. Reads take no lock: a caller checks afterwards that the record has not changed
 * ({@link #moved}), and if it has, reads again under a new layout (a byte keeps its position for good,
 * whichever file holds it).
 */
final class Layout {
    /** Positions {@code [from, to)} held by one file: 0 the live file, i the rotated file {@code NAME.i}. */
    record Span(int file, long from, long to) {}

    final Path live;
    final FileChannel channel;
    final Cuts cuts;
    /** The record's bytes this layout was made from. */
    private final byte[] raw;

    /** {@code channel} reads the live file, or is null while there is none; {@code cuts} is {@code raw} settled. */
    Layout(Path live, FileChannel channel, Cuts cuts, byte[] raw) {
        this.live = live;
        this.channel = channel;
        this.cuts = cuts;
        this.raw = raw;
    }

    /**
     * The layout under the record now. A rotation under way ends within milliseconds: this waits for it, up
     * to 2 s (a daemon stopped mid-rotation), then reads the files as they are ({@link Cuts#settled}).
     */
    static Layout now(Path live, FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (; ; ) {
            byte[] raw = Cuts.raw(live);
            Cuts cuts = Cuts.parse(raw);
            if (!cuts.odd() || cuts.abandoned() || System.nanoTime() - deadline > 0)
                return new Layout(live, channel, cuts.settled(live), raw);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the record changed since this layout was made: what was read under it may have been moved meanwhile. */
    boolean moved() throws IOException {
        return !Arrays.equals(Cuts.raw(live), raw);
    }

    /** The position after the last byte written. */
    long end() throws IOException {
        return cuts.cut() + (channel == null ? 0 : channel.size());
    }

    /**
     * The file that holds {@code pos} (a rotated file may be shorter than its record says, or gone: its
     * span ends where its bytes do), or null when none does: rotated away, or never there.
     */
    Span spanAt(long pos) throws IOException {
        if (pos >= cuts.cut()) return new Span(0, cuts.cut(), end());
        for (int i = 1; i <= cuts.generations(); i++) {
            if (cuts.start(i) > pos) continue;
            long to = Math.min(cuts.end(i), cuts.start(i) + size(Cuts.generation(live, i)));
            return pos < to ? new Span(i, cuts.start(i), to) : null;
        }
        return null;
    }

    /**
     * The first position at or after {@code pos} that a file holds: {@code pos} itself, or where the next
     * file starts when {@code pos} was rotated away.
     */
    long next(long pos) throws IOException {
        if (spanAt(pos) != null || pos >= cuts.cut()) return pos;
        long next = cuts.cut();
        for (int i = 1; i <= cuts.generations(); i++) if (cuts.start(i) > pos) next = Math.min(next, cuts.start(i));
        return Math.max(pos, next);
    }

    /** Reads from {@code pos} up to the end of the span holding it: the count, 0 at the end. */
    int read(Span span, long pos, byte[] b, int off, int len) throws IOException {
        len = (int) Math.min(len, span.to() - pos);
        if (len <= 0) return 0;
        if (span.file() == 0) return Math.max(0, channel.read(ByteBuffer.wrap(b, off, len), pos - span.from()));
        try (var ch = FileChannel.open(Cuts.generation(live, span.file()), StandardOpenOption.READ)) {
            return Math.max(0, ch.read(ByteBuffer.wrap(b, off, len), pos - span.from()));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** When the file of a span last changed (milliseconds); a rotated file changes no more once copied. */
    long modified(Span span) throws IOException {
        Path file = span.file() == 0 ? live : Cuts.generation(live, span.file());
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }
}
