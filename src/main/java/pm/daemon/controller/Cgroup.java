package pm.daemon.controller;

import pm.daemon.procfs.ProcFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One folder of the cgroup v2 hierarchy: a run's cgroup, or the daemon's own. Its members are every
 * process it holds, whatever their session or process group: a child is born in its parent's cgroup,
 * and no {@code setsid} or double fork takes it out.
 */
final class Cgroup {
    private final Path dir;
    /** The id of the app whose runs it holds, or -1 (the daemon's own, or one adopted). */
    private final int app;
    /** Its {@code cgroup.events} kept open, or null until {@link #watch}. Engine thread. */
    private FileChannel events;

    Cgroup(Path dir, int app) {
        this.dir = dir;
        this.app = app;
    }

    Cgroup(Path dir) {
        this(dir, -1);
    }

    Path dir() {
        return dir;
    }

    int app() {
        return app;
    }

    /** Keeps its {@code cgroup.events} open from now on (done before the run ends, off a restart's path). */
    void watch() {
        if (events != null) return;
        try {
            events = FileChannel.open(dir.resolve("cgroup.events"), StandardOpenOption.READ);
        } catch (IOException e) {
            // read afresh each time
        }
    }

    /**
     * Whether any process is left in it ({@code populated} in {@code cgroup.events}, the first line; zombies
     * do not count). One that is gone is empty; one that cannot be read is taken as populated, as a process
     * group that cannot be listed is. Once {@link #watch}ed, one {@code pread} (the kernel writes the file
     * anew for each read from 0) through the file channel the sampler's reads keep compiled: this runs on a
     * crashed app's restart path, where {@code Files.readString} took 0.2 to 0.3 ms, interpreted, and an
     * open, read and close 35 to 75 us of the kernel's time; a pread takes 10.
     */
    boolean populated(ByteBuffer buf) {
        FileChannel ch = events;
        try {
            if (ch == null) ch = FileChannel.open(dir.resolve("cgroup.events"), StandardOpenOption.READ);
            buf.clear();
            int n = ch.read(buf, 0);
            // "populated 1\nfrozen 0\n"
            return n < 11 || buf.get(10) != '0';
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            return Files.isDirectory(dir); // ENODEV: removed while it was open
        } finally {
            if (ch != events && ch != null) close(ch);
        }
    }

    /** Its folder opened, for a spawn straight into it; the caller closes it. */
    int openFolder() throws IOException {
        int fd = Posix.openDirectory(dir.toString());
        if (fd < 0) throw new IOException("cannot open " + dir + ": " + Posix.strerror(-fd));
        return fd;
    }

    /** Its live processes (zombies are not listed), from {@code cgroup.procs}; empty once it is gone. */
    List<Long> members() {
        return ProcFs.cgroupMembers(dir);
    }

    /** Moves the process (all its threads) into this cgroup. */
    void enter(long pid) throws IOException {
        write("cgroup.procs", Long.toString(pid));
    }

    /**
     * Kills every process in it at once with {@code cgroup.kill} (Linux 5.14+), which also catches a fork
     * in flight; false where the kernel has no such file.
     */
    boolean kill() {
        try {
            write("cgroup.kill", "1");
            return true;
        } catch (NoSuchFileException absent) {
            return !Files.isDirectory(dir); // a cgroup that is gone has nothing left to kill
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes it if it is empty; true once it is gone. */
    boolean remove() {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException busy) {
            return false; // EBUSY: processes are still in it
        }
        if (events != null) close(events);
        events = null;
        return true;
    }

    private void write(String file, String text) throws IOException {
        try (var ch = FileChannel.open(dir.resolve(file), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
