package pm.daemon.controller;

import pm.daemon.procfs.ProcFs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
    /** The path of its {@code cgroup.events}, as a C string. */
    private final MemorySegment events;
    /** {@code cgroup.events} kept open, to read with one call where it matters; -1 until {@link #watch}. Engine thread. */
    private int eventsFd = -1;

    Cgroup(Path dir, int app) {
        this.dir = dir;
        this.app = app;
        this.events = Arena.ofAuto().allocateFrom(dir.resolve("cgroup.events").toString());
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

    /** Keeps its {@code cgroup.events} open from now on, so {@link #readEvents} costs one call: before the run ends, off the restart's path. */
    void watch(MemorySegment state) {
        if (eventsFd < 0) {
            int fd = Posix.openToRead(events, state);
            if (fd >= 0) eventsFd = fd;
        }
    }

    /**
     * Reads its {@code cgroup.events} ("populated N" first) into {@code buf}: the bytes read, or minus the
     * errno (ENOENT or ENODEV: it is gone).
     */
    int readEvents(MemorySegment buf, MemorySegment state) {
        if (eventsFd >= 0) return Posix.readFromStart(eventsFd, buf, state);
        int fd = Posix.openToRead(events, state);
        if (fd < 0) return fd;
        int n = Posix.readFromStart(fd, buf, state);
        Posix.close(fd);
        return n;
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
        if (eventsFd >= 0) Posix.close(eventsFd);
        eventsFd = -1;
        return true;
    }

    private void write(String file, String text) throws IOException {
        try (var ch = FileChannel.open(dir.resolve(file), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
