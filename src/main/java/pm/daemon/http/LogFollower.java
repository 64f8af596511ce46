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
 * live file's front to a new {@code NAME.1} and cuts it from the live file (pm.daemon.logs.Rotator), so
 * when {@code NAME.1} is a new file, the bytes not read yet are the part of {@code NAME.1} past the
 * position (read from an open descriptor, which a later shift to {@code NAME.2} does not disturb), and
 * the live file goes on at the position minus that front. Polled by one thread.
 *
 * <p>An adapter: the logs package is getting a follower of its own, lossless across rotation, for
 * {@code pm logs}; this should then use it.
 */
final class LogFollower implements AutoCloseable {
    private record Segment(FileChannel channel, long from, long to) {}

    private final Path file;
    private final Path rotated;
    /** Rotated bytes still to read, oldest first; then the live file from {@link #position}. */
    private final ArrayDeque<Segment> pending = new ArrayDeque<>();
    private long position;
    private Object rotatedKey;

    LogFollower(Path file, long position) throws IOException {
        this.file = file;
        this.rotated = file.resolveSibling(file.getFileName() + ".1");
        this.position = position;
        this.rotatedKey = key(rotated);
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
        Object key = key(rotated);
        if (!Objects.equals(key, rotatedKey)) {
            rotatedKey = key;
            if (key == null) { // the logs were flushed: start over
                close();
                position = 0;
            } else {
                rotatedAway();
            }
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

    /** A new NAME.1 holds the live file's old front: what of it was not read yet is read from there first. */
    private void rotatedAway() throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(rotated, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return;
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
