package pm.daemon.logs;

import pm.logs.Cuts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Rotates a log file that an app is appending to, without losing or repeating a byte. A rename would not
 * do: the app keeps writing to the renamed file through its descriptor. Instead the file's block-aligned
 * front is copied to {@code NAME.1} (older files shift to .2, .3, ...) and then cut out of the live file
 * with {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)}; the app's O_APPEND writes keep landing at the new
 * end. The last partial block stays in the live file, so a line may be split across the two files. A
 * daemon killed between the copy and the cut leaves the copied part in both files (duplicated, not lost).
 * File systems without the call (tmpfs, overlay) get copy-and-truncate, which can lose what is written
 * between the copy and the truncate.
 *
 * <p>Each rotation and flush updates the file's rotation record ({@link Cuts}: made odd before any file
 * is touched, even once they agree again), which lets a reader ({@code pm.logs.Follower}) keep its place
 * while the front of the file moves under it. A record left odd (a daemon killed mid-rotation, or a
 * rotation that failed half-way) is settled by the next rotation or flush, from what the files show.
 * One rotation or flush at a time (the timer thread rotates, the engine thread flushes).
 */
public final class Rotator {
    /** How a rotation went. */
    public enum Outcome { NOTHING_TO_DO, LOSSLESS, COPY_TRUNCATE }

    private Rotator() {}

    public static synchronized Outcome rotate(Path file, int keep) throws IOException {
        Cuts before = Cuts.read(file);
        if (before.odd()) before = settle(file, before);
        long size = Files.size(file);
        long block = Math.max(512, Files.getFileStore(file).getBlockSize());
        long front = size / block * block;
        if (front == size) front -= block; // the collapsed range must end before the end of the file
        if (front <= 0) return Outcome.NOTHING_TO_DO;
        // Copy first, into a temp file: if the copy fails (disk full), the old files are untouched.
        Path tmp = Cuts.copying(file);
        Files.deleteIfExists(tmp);
        try {
            copyFront(file, tmp, front);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Cuts begun = before.begin(ProcessHandle.current().pid(), front);
        begun.write(file);
        try {
            shift(file, keep);
            Path first = numbered(file, 1);
            Files.move(tmp, first, StandardCopyOption.ATOMIC_MOVE);
            var outcome = cut(file, first, front);
            begun.rotated(Files.size(first), keep).write(file);
            return outcome;
        } catch (IOException | RuntimeException e) {
            try {
                settle(file, begun);
            } catch (IOException | RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
    }

    private static Outcome cut(Path file, Path first, long front) throws IOException {
        int rc = FileOps.collapseFront(file, front);
        if (rc == 0) return Outcome.LOSSLESS;
        if (rc != FileOps.EOPNOTSUPP && rc != FileOps.EINVAL) throw new IOException("fallocate failed with errno " + rc);
        // No collapse here: copy the rest that arrived meanwhile, then truncate (a few bytes may be lost).
        long now = Files.size(file);
        copyRange(file, first, front, now);
        int t = FileOps.truncate(file, 0);
        if (t != 0) throw new IOException("ftruncate failed with errno " + t);
        return Outcome.COPY_TRUNCATE;
    }

    /** Writes what the files show after a rotation or flush that stopped half-way ({@link Cuts#settled}). */
    private static Cuts settle(Path file, Cuts odd) throws IOException {
        Cuts settled = odd.settled(file);
        Files.deleteIfExists(Cuts.copying(file));
        settled.write(file);
        return settled;
    }

    /** Empties the live file and deletes the old ones ({@code pm flush}). */
    public static synchronized void flush(Path file, int keep) throws IOException {
        Cuts before = Cuts.read(file);
        if (before.odd()) before = settle(file, before);
        Cuts begun = before.begin(ProcessHandle.current().pid(), 0);
        begun.write(file);
        long emptied = 0;
        if (Files.exists(file)) {
            emptied = Files.size(file);
            int rc = FileOps.truncate(file, 0);
            if (rc != 0) throw new IOException("ftruncate failed with errno " + rc);
        }
        for (int i = 1; i <= Math.max(keep, 1) + 1; i++) Files.deleteIfExists(numbered(file, i));
        begun.flushed(emptied).write(file);
    }

    static Path numbered(Path file, int n) {
        return Cuts.generation(file, n);
    }

    private static void shift(Path file, int keep) throws IOException {
        Files.deleteIfExists(numbered(file, Math.max(keep, 1)));
        for (int i = Math.max(keep, 1) - 1; i >= 1; i--) {
            Path from = numbered(file, i);
            if (Files.exists(from)) Files.move(from, numbered(file, i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyFront(Path file, Path to, long length) throws IOException {
        try (var out = FileChannel.open(to, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            try (var in = FileChannel.open(file, StandardOpenOption.READ)) {
                long done = 0;
                while (done < length) done += in.transferTo(done, length - done, out);
            }
        }
    }

    private static void copyRange(Path file, Path to, long from, long until) throws IOException {
        try (var out = FileChannel.open(to, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             var in = FileChannel.open(file, StandardOpenOption.READ)) {
            long done = from;
            while (done < until) done += in.transferTo(done, until - done, out);
        }
    }
}
