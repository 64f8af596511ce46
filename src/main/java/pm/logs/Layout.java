package pm.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A log's files as one run of positions, as one record describes them: the rotated files oldest first,
 * then the live file. Reads take no lock: a caller checks afterwards that the record has not changed.
 */
final class Layout {
    /** Positions {@code [from, to)} held by one file: 0 the live file, i the rotated file {@code NAME.i}. */
    record Span(int file, long from, long to) {}

    final Path live;
    final FileChannel channel;
    final Cuts cuts;

    /** {@code channel} reads the live file, or is null while there is none. */
    Layout(Path live, FileChannel channel, Cuts cuts) {
        this.live = live;
        this.channel = channel;
        this.cuts = cuts;
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
