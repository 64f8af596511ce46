package pm.logs;

import java.io.IOException;

/**
 * A log's lines from its end backwards: each call to {@link #previous} makes the line before the last one
 * current ({@link #start}, and its first 64 KiB in {@link #bytes}). It stops where no file holds the bytes
 * any more, and before a line that ends in a file last changed before {@code since}. Rotations may go on
 * meanwhile: each read is checked against the record, and made again where the bytes are now if a rotation
 * moved them (a position's byte never changes; only the file that holds it does), so however long the walk
 * takes, it reads what the log held, never the bytes a rotation put in their place.
 */
final class Backwards {
    private static final int BLOCK = 64 * 1024;
    /** Reads disturbed by a rotation, one after the other, before the walk stops there (one takes well under a rotation's period). */
    private static final int DISTURBED = 100;

    final long end;
    private Layout layout;
    private final long since;
    /** The bytes {@code [blockFrom, blockTo)}. */
    private final byte[] block = new byte[BLOCK];
    private long blockFrom, blockTo;
    /** No byte below it is read: a file that is gone, or the log's start. */
    private long floor;
    /** The bytes below it are in files last changed before {@code since}. */
    private long staleBelow = Long.MIN_VALUE;
    private int checkedFile = -1;
    /** The last byte of the next line back (its newline, or the end of an unfinished last line). */
    private long lineLast;
    private byte[] scratch;

    /** The current line: where it starts, and its bytes (without the newline). */
    long start;
    byte[] bytes;
    int off, len;

    /** Lines before {@code end}. */
    Backwards(Layout layout, long end, long since) {
        this.layout = layout;
        this.since = since;
        this.end = end;
        this.lineLast = end - 1;
    }

    boolean previous() throws IOException {
        if (lineLast < floor || !load(lineLast) || lineLast < staleBelow) return false;
        long contentEnd = block[(int) (lineLast - blockFrom)] == '\n' ? lineLast : lineLast + 1;
        long p = contentEnd;
        while (p > floor) {
            if (!load(p - 1)) break;
            int lo = (int) Math.max(0, floor - blockFrom), i = (int) (p - 1 - blockFrom);
            while (i >= lo && block[i] != '\n') i--;
            if (i >= lo) {
                p = blockFrom + i + 1;
                break;
            }
            p = blockFrom + lo;
        }
        start = p;
        lineLast = p - 1;
        content(p, contentEnd);
        return true;
    }

    /** Makes the block hold position {@code q}; false (and the floor raised) when no file does. */
    private boolean load(long q) throws IOException {
        if (q >= blockFrom && q < blockTo) return true;
        blockFrom = blockTo = 0; // the reads below overwrite the block
        for (int tries = 0; tries < DISTURBED; tries++) {
            var span = layout.spanAt(q);
            long from = span == null ? q + 1 : Math.max(span.from(), q + 1 - BLOCK);
            int want = (int) (q + 1 - from), got = 0;
            for (int n; got < want && (n = layout.read(span, from + got, block, got, want - got)) > 0; ) got += n;
            boolean stale = span != null && since != Stamps.NONE && span.file() != checkedFile && layout.modified(span) < since;
            if (moved()) continue; // read where the bytes are now
            if (span == null || got < want) break; // rotated away, or the file is shorter than it was a moment ago
            checkedFile = span.file();
            if (stale) staleBelow = Math.max(staleBelow, span.to());
            blockFrom = from;
            blockTo = q + 1;
            return true;
        }
        floor = q + 1;
        return false;
    }

    /** Whether a rotation changed the record since the layout was read; if so, takes the new one. */
    private boolean moved() throws IOException {
        if (!layout.moved()) return false;
        layout = Layout.now(layout.live, layout.channel);
        checkedFile = -1; // the same number may name another file now
        return true;
    }

    /** Points {@link #bytes} at the line {@code [s, e)}, its first 64 KiB at most. */
    private void content(long s, long e) throws IOException {
        if (s >= blockFrom && e <= blockTo) {
            bytes = block;
            off = (int) (s - blockFrom);
            len = (int) (e - s);
            return;
        }
        if (scratch == null) scratch = new byte[BLOCK];
        int want = (int) Math.min(BLOCK, e - s), got = 0;
        for (int tries = 0; tries < DISTURBED; tries++) {
            for (int n = 1; got < want && n > 0; ) {
                var span = layout.spanAt(s + got);
                n = span == null ? 0 : layout.read(span, s + got, scratch, got, want - got);
                got += n;
            }
            if (!moved()) break;
            got = 0; // read again where the bytes are now (none, if they never held still)
        }
        bytes = scratch;
        off = 0;
        len = got;
    }
}
