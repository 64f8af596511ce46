package pm.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The rotation record of a live log file: how many bytes rotation has cut from its front, and where the
 * cut bytes went. A reader that counts positions in everything the app wrote (the record's "positions")
 * finds a byte at {@code position - cut} in the live file, or in a rotated file {@code NAME.i} at
 * {@code position - starts[i-1]}.
 *
 * <p>It lives beside the live file as {@code NAME.cut}, one line of ASCII such as
 * {@code seq=4 pid=812 cut=1048576 front=0 starts=983040,917504}, and is replaced whole (a temp file
 * renamed over it), so a reader sees the old record or the new one, never a mix. It works like a seqlock:
 * {@code seq} is made odd before a rotation touches any file and even once the files and the record agree
 * again; a reader that reads the record after reading log bytes and finds it unchanged (and even) knows
 * the bytes were where the record said. {@code pid} is the daemon rotating (a reader waits out an odd
 * record only while that process lives); {@code front} is, in an odd record, the length being cut.
 * No record means nothing was ever cut: {@link #NONE}.
 */
public record Cuts(long seq, long pid, long cut, long front, long[] starts) {
    public static final Cuts NONE = new Cuts(0, 0, 0, 0, new long[0]);

    public Cuts {
        starts = starts.clone();
    }

    public boolean odd() {
        return (seq & 1) == 1;
    }

    @Override
    public long[] starts() {
        return starts.clone();
    }

    /** How many rotated files the record knows the start of. */
    public int generations() {
        return starts.length;
    }

    /** Where {@code NAME.i} (i from 1, the newest) starts. */
    public long start(int i) {
        return starts[i - 1];
    }

    /** Where the record says {@code NAME.i} ends: where the next newer file (or the live file) starts. */
    public long end(int i) {
        return i == 1 ? cut : starts[i - 2];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cuts c && c.seq == seq && c.pid == pid && c.cut == cut && c.front == front
                && Arrays.equals(c.starts, starts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Long.hashCode(cut);
    }

    @Override
    public String toString() {
        var s = new StringBuilder("seq=").append(seq).append(" pid=").append(pid).append(" cut=").append(cut)
                .append(" front=").append(front).append(" starts=");
        for (int i = 0; i < starts.length; i++) s.append(i == 0 ? "" : ",").append(starts[i]);
        return s.toString();
    }

    /** The record of a live log file. */
    public static Path path(Path live) {
        return live.resolveSibling(live.getFileName() + ".cut");
    }

    /** Reads the record; none, or one that does not parse, is {@link #NONE}. */
    public static Cuts read(Path live) throws IOException {
        return parse(raw(live));
    }

    /** The record's bytes, empty when there is none: cheaper to compare than to parse. */
    static byte[] raw(Path live) throws IOException {
        Path record = path(live);
        if (!Files.exists(record)) return new byte[0]; // most logs never rotate: no exception each time
        try (InputStream in = Files.newInputStream(record)) {
            return in.readNBytes(64 * 1024);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    static Cuts parse(byte[] raw) {
        return parse(new String(raw, StandardCharsets.US_ASCII));
    }

    static Cuts parse(String text) {
        long seq = -1, pid = 0, cut = -1, front = 0;
        long[] starts = new long[0];
        try {
            for (String field : text.strip().split(" ")) {
                int eq = field.indexOf('=');
                if (eq < 0) continue;
                String value = field.substring(eq + 1);
                switch (field.substring(0, eq)) {
                    case "seq" -> seq = Long.parseLong(value);
                    case "pid" -> pid = Long.parseLong(value);
                    case "cut" -> cut = Long.parseLong(value);
                    case "front" -> front = Long.parseLong(value);
                    case "starts" -> starts = value.isEmpty() ? new long[0]
                            : Arrays.stream(value.split(",")).mapToLong(Long::parseLong).toArray();
                    default -> { } // a later version's field
                }
            }
        } catch (NumberFormatException e) {
            return NONE;
        }
        return seq < 0 || cut < 0 ? NONE : new Cuts(seq, pid, cut, front, starts);
    }

    /**
     * Replaces the record whole: a temp file renamed over it (no fsync: it only matters while the machine runs).
     * Private from its first instant, as the logs are (0600), whatever the daemon's umask.
     */
    public void write(Path live) throws IOException {
        Path record = path(live), tmp = record.resolveSibling(record.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a left temp file would keep the mode it was made with
        try (var out = Files.newByteChannel(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            var bytes = java.nio.ByteBuffer.wrap((this + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) out.write(bytes);
        }
        Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** This record made odd by {@code pid}, about to cut {@code front} bytes. */
    public Cuts begin(long pid, long front) {
        return new Cuts(seq + 1, pid, cut, front, starts);
    }

    /**
     * The even record after {@code NAME.1}, starting where the live file started, took {@code moved}
     * bytes out of it; the record keeps the starts of {@code keep} rotated files at most.
     */
    public Cuts rotated(long moved, int keep) {
        long[] next = new long[Math.min(keep, starts.length + 1)];
        next[0] = cut;
        System.arraycopy(starts, 0, next, 1, next.length - 1);
        return new Cuts(nextEven(), 0, cut + moved, 0, next);
    }

    /** The even record after {@code emptied} bytes of the live file were thrown away with every rotated file. */
    public Cuts flushed(long emptied) {
        return new Cuts(nextEven(), 0, cut + emptied, 0, new long[0]);
    }

    /** The even record of files left as they were, except that rotated files' places are unknown. */
    Cuts forgotten() {
        return new Cuts(nextEven(), 0, cut, 0, new long[0]);
    }

    private long nextEven() {
        return (seq | 1) + 1;
    }

    /** {@code NAME.i}: the i-th newest rotated file. */
    public static Path generation(Path live, int i) {
        return live.resolveSibling(live.getFileName() + "." + i);
    }

    /** Where rotation copies the front before the copy becomes {@code NAME.1}. */
    public static Path copying(Path live) {
        return live.resolveSibling(live.getFileName() + ".1.tmp");
    }

    /** An odd record whose daemon is gone: it died (or failed) in the middle of a rotation. */
    public boolean abandoned() {
        return odd() && (pid <= 0 || !Files.exists(Path.of("/proc/" + pid)));
    }

    /**
     * The even record that describes the files as an abandoned rotation or flush left them; reads, changes
     * nothing. While the copy still has its temp name, nothing was cut, and the rotated files may be half
     * shifted: their places are forgotten. Once it is {@code NAME.1}, the shift was done, and the live file
     * was cut unless its front still equals the copy. (A log that repeats itself with a period dividing the
     * front reads as not cut: readers then skip a stretch of bytes identical to those around it.) A flush (front
     * 0) may have emptied the live file and deleted the rotated ones: their places are forgotten, and a
     * reader finds the live file shorter than its place and starts again at its start.
     */
    public Cuts settled(Path live) throws IOException {
        if (!odd()) return this;
        if (front <= 0 || Files.exists(copying(live))) return forgotten();
        Path first = generation(live, 1);
        if (!Files.exists(first) || !Files.exists(live)) return forgotten();
        boolean cut = !sameFront(live, first, front);
        return rotated(cut ? Files.size(first) : 0, Integer.MAX_VALUE);
    }

    private static boolean sameFront(Path a, Path b, long length) throws IOException {
        if (Files.size(a) < length || Files.size(b) < length) return false;
        try (var x = Files.newInputStream(a); var y = Files.newInputStream(b)) {
            byte[] p = new byte[64 * 1024], q = new byte[64 * 1024];
            for (long left = length; left > 0; ) {
                int n = (int) Math.min(p.length, left);
                if (x.readNBytes(p, 0, n) != n || y.readNBytes(q, 0, n) != n || !Arrays.equals(p, 0, n, q, 0, n)) return false;
                left -= n;
            }
            return true;
        }
    }
}
