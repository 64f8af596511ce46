package pm.logs;

import java.io.IOException;

/**
 * A log's lines from its end backwards, under one layout: each call to {@link #previous} makes the line
 * before the last one current ({@link #start}, and its first 64 KiB in {@link #bytes}). It stops where no
 * file holds the bytes any more, and before a line that ends in a file last changed before {@code since}.
 */
final class Backwards {
    private static final int BLOCK = 64 * 1024;

    final long end;
    private final Layout layout;
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
        var span = layout.spanAt(q);
        if (span == null) {
            floor = q + 1;
            return false;
        }
        if (since != Stamps.NONE && span.file() != checkedFile) {
            checkedFile = span.file();
            if (layout.modified(span) < since) staleBelow = Math.max(staleBelow, span.to());
        }
        long from = Math.max(span.from(), q + 1 - BLOCK);
        int want = (int) (q + 1 - from), got = 0;
        for (int n; got < want && (n = layout.read(span, from + got, block, got, want - got)) > 0; ) got += n;
        if (got < want) {
            floor = q + 1; // the file is shorter than it was a moment ago
            return false;
        }
        blockFrom = from;
        blockTo = q + 1;
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
        for (int n = 1; got < want && n > 0; ) {
            var span = layout.spanAt(s + got);
            n = span == null ? 0 : layout.read(span, s + got, scratch, got, want - got);
            got += n;
        }
        bytes = scratch;
        off = 0;
        len = got;
    }
}
