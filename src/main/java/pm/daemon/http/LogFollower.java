package pm.daemon.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Reads what is appended to one log file without losing what a rotation moves away. A rotation copies the
 * live file's front to a new {@code NAME.1} (older ones shift to .2, .3, ...) and cuts it from the live
 * file (pm.daemon.logs.Rotator), so after a rotation the bytes not read yet are the part of the new file
 * past the position (read from an open descriptor, which a later shift does not disturb), and the live
 * file goes on at the position minus that front; several rotations between two polls are taken oldest
 * first. A poll that falls between a rotation's copy and its cut reads that front twice, and a flush is seen
 * by the file getting shorter (one written past its old length before the next poll is not). Polled by one
 * thread.
 *
 * <p>An adapter: the logs package is getting a follower of its own, lossless across rotation, for
 * {@code pm logs}; this should then use it.
 */
final class LogFollower implements AutoCloseable {
    private record Segment(FileChannel channel, long from, long to) {}

    /** No more rotated files than this are looked at (--log-files is usually 10). */
    private static final int MAX_FILES = 1000;

    private final Path file;
    /** Rotated bytes still to read, oldest first; then the live file from {@link #position}. */
    private final ArrayDeque<Segment> pending = new ArrayDeque<>();
    private long position;
    private Object rotatedKey;

    LogFollower(Path file, long position) throws IOException {
        this.file = file;
        this.position = position;
        this.rotatedKey = key(numbered(1));
    }

    /** The file's size, 0 if it is missing. */
    static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** What was written since the last call, at most {@code max} bytes (the rest comes next time). */
    byte[] poll(int max) throws IOException {
        Object key = key(numbered(1));
        if (!Objects.equals(key, rotatedKey)) {
            if (key == null) { // the logs were flushed: start over
                close();
                position = 0;
            } else {
                rotatedAway();
            }
            rotatedKey = key;
        }
        var out = new ByteArrayOutputStream();
        while (!pending.isEmpty() && out.size() < max) {
            var s = pending.peekFirst();
            long n = read(s.channel(), s.from(), s.to(), max - out.size(), out);
            pending.pollFirst();
            if (s.from() + n < s.to()) pending.addFirst(new Segment(s.channel(), s.from() + n, s.to()));
            else s.channel().close();
        }
        if (pending.isEmpty() && out.size() < max) {
            long size = size(file);
            if (size < position) position = 0; // emptied
            try (var ch = FileChannel.open(file, StandardOpenOption.READ)) {
                position += read(ch, position, size, max - out.size(), out);
            } catch (NoSuchFileException e) {
                position = 0;
            }
        }
        return out.toByteArray();
    }

    /**
     * Rotations happened since the last poll: the file that was NAME.1 then is NAME.K now (or gone), and
     * NAME.K-1 ... NAME.1 are new, each the live file's front at its rotation, oldest first. What of each
     * was not read yet is read from there first.
     */
    private void rotatedAway() throws IOException {
        int k = 1;
        while (k <= MAX_FILES && Files.exists(numbered(k)) && (rotatedKey == null || !rotatedKey.equals(key(numbered(k))))) k++;
        for (int n = k - 1; n >= 1; n--) {
            FileChannel ch;
            try {
                ch = FileChannel.open(numbered(n), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue;
            }
            long front = ch.size();
            if (position < front) {
                pending.addLast(new Segment(ch, position, front));
                position = 0;
            } else {
                ch.close();
                position -= front;
            }
        }
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private static long read(FileChannel ch, long from, long to, int max, ByteArrayOutputStream out) throws IOException {
        if (to <= from || max <= 0) return 0;
        var buf = ByteBuffer.allocate((int) Math.min(max, to - from));
        while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
            // until full, or the end of the file
        }
        out.write(buf.array(), 0, buf.position());
        return buf.position();
    }

    private static Object key(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        for (var s : pending) s.channel().close();
        pending.clear();
    }
}
