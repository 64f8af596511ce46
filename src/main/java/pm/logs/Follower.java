package pm.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Reads one log from a position onwards, as the app appends to it, through any number of rotations,
 * each byte once and in order. Not thread-safe; {@link #read} never blocks for long, so one thread can
 * poll many followers.
 *
 * <p>Positions count everything the app wrote to the log, whatever rotation has moved since (see
 * {@link Cuts}). Rotation copies the live file's front to {@code NAME.1} and then cuts it from the live
 * file (or, where the file system cannot cut, copies the rest and truncates), so a reader's offset in the
 * live file jumps back by the cut at a moment it cannot see. The rotation record tells it by how much:
 * <ul>
 * <li>Each read is made under the record last seen, and the record is read again right after: if it
 *     changed, the bytes are thrown away and the read is made again under the new one (the record
 *     changes before a rotation touches a file, so bytes read while one was under way never count).
 * <li>An odd record means a rotation is under way: the follower waits a few milliseconds, then returns
 *     nothing this time. One whose daemon is gone (killed mid-rotation) is read as the files show it
 *     ({@link Cuts#settled}); the next daemon's first rotation writes the same conclusion.
 * <li>A position before the live file's start is read from the rotated file that holds it (several
 *     rotations between two reads are several files); one that no file holds any more (rotated past
 *     {@code --log-files}, or flushed) is skipped, and {@link #lost} counts it.
 * <li>A follower that starts mid-rotation only sees the odd record and waits like any other.
 * <li>A live file shorter than the position under an unchanged record was truncated by someone else:
 *     reading resumes at its start. A live file replaced by a new one (deleted and made again) is
 *     followed from the new one's start.
 * </ul>
 * At rest a read costs one {@code stat} of the live file's path: the record is read only when the file's
 * size or time of change moved (and every 10 s in any case, for a rotation and a write of exactly the cut
 * length within one tick of the file system's clock).
 */
public final class Follower implements Closeable {
    private static final long RECHECK = 10_000_000_000L;
    private static final long WAIT_FOR_ROTATION = 20_000_000L;

    private final Path live;
    private FileChannel channel;
    private Object key;
    private long position;
    private long lost;
    private boolean rotating;
    /** The record as last read (null: read it first), and the layout it gives. */
    private byte[] seen;
    private Layout layout;
    /** The live file as it was at the last read that found nothing new; null to look anyway. */
    private BasicFileAttributes idle;
    private long checkedAt = System.nanoTime();

    public Follower(Path live, long position) {
        this.live = live;
        this.position = position;
    }

    /** A follower of what will be written after now. */
    public static Follower atEnd(Path live) throws IOException {
        var f = new Follower(live, 0);
        f.position = f.end();
        return f;
    }

    /** The position of the next byte {@link #read} returns. */
    public long position() {
        return position;
    }

    /**
     * Whether the last {@link #read} returned nothing because a rotation was under way (and had not ended
     * after it waited 20 ms): bytes written before the end may be there to read once it has.
     */
    public boolean rotating() {
        return rotating;
    }

    /** Bytes skipped because no file held them any more when the follower got to them. */
    public long lost() {
        return lost;
    }

    /** The position after the last byte written now (the live file's end). */
    public long end() throws IOException {
        for (; ; ) {
            if (channel == null) open();
            Layout l = stable();
            if (l == null) continue;
            long end = l.end();
            if (Arrays.equals(Cuts.raw(live), seen)) return end;
            seen = null;
        }
    }

    /**
     * Reads what was written at the position into {@code buf}, up to its length: the count, or 0 when
     * nothing is there yet (or a rotation is under way). Bytes come from one file per call.
     */
    public int read(byte[] buf) throws IOException {
        return read(buf, 0, buf.length);
    }

    /** As {@link #read(byte[])}, into {@code b[off, off + len)}. */
    public int read(byte[] b, int off, int len) throws IOException {
        rotating = false;
        var now = attributes();
        if (channel == null && (now == null || !open())) return 0;
        if (now != null && !now.fileKey().equals(key)) {
            reopen();
            return 0;
        }
        long t = System.nanoTime();
        if (t - checkedAt > RECHECK) {
            checkedAt = t;
            idle = null;
        }
        if (idle != null && now != null && now.size() == idle.size() && now.lastModifiedTime().equals(idle.lastModifiedTime()))
            return 0;
        for (int attempt = 0; attempt < 1000; attempt++) {
            Layout l = stable();
            if (l == null) {
                rotating = true;
                return 0;
            }
            long next = l.next(position);
            var span = l.spanAt(next);
            int n = span == null ? 0 : l.read(span, next, b, off, len);
            long size = channel.size();
            if (!Arrays.equals(Cuts.raw(live), seen)) {
                seen = null;
                continue;
            }
            if (span != null && span.file() == 0 && n == 0 && next - l.cuts.cut() > size) {
                position = l.cuts.cut(); // truncated by someone else: start again at its start
                continue;
            }
            lost += next - position;
            position = next + n;
            if (n > 0) {
                idle = null;
                return n;
            }
            if (span == null || span.file() != 0) continue; // the end of a rotated file: go on in the next one
            idle = now;
            return 0;
        }
        return 0;
    }

    /**
     * The layout under the current record, read if need be; null while a rotation is under way (after
     * waiting a little for it to end).
     */
    private Layout stable() throws IOException {
        long deadline = System.nanoTime() + WAIT_FOR_ROTATION;
        while (seen == null) {
            byte[] raw = Cuts.raw(live);
            Cuts c = Cuts.parse(raw);
            if (!c.odd() || c.abandoned()) {
                seen = raw;
                layout = new Layout(live, channel, c.settled(live), raw);
            } else if (System.nanoTime() - deadline > 0) {
                return null;
            } else {
                sleep();
            }
        }
        return layout;
    }

    private boolean open() throws IOException {
        try {
            channel = FileChannel.open(live, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return false;
        }
        var a = attributes();
        key = a == null ? null : a.fileKey();
        seen = null;
        idle = null;
        return true;
    }

    /** The path names another file than the one open (it was deleted and made again): follows the new one from its start. */
    private void reopen() throws IOException {
        close();
        if (!open()) return;
        Layout l = stable();
        position = l != null ? l.cuts.cut() : Cuts.read(live).cut();
    }

    /** The live file's identity, size and last change (one stat), or null while there is none. */
    private BasicFileAttributes attributes() throws IOException {
        // No exception while there is no file: a follower may wait a long time for an app's first line.
        if (channel == null && !Files.exists(live)) return null;
        try {
            return Files.readAttributes(live, BasicFileAttributes.class);
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

    @Override
    public void close() throws IOException {
        if (channel != null) channel.close();
        channel = null;
        seen = null;
        idle = null;
    }
}
