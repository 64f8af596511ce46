package pm.daemon.controller;

import pm.core.Signals;
import pm.daemon.procfs.ProcFs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
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
    /** The copy of an app whose runs it holds ({@code RunMark.key}), or -1 (the daemon's own, or one adopted). */
    private final long copy;
    /** Its {@code cgroup.events} kept open, or null until {@link #watch}. Engine thread. */
    private FileChannel events;
    /** The run's leader while its move in is put off (Cgroups#enter), and until when; 0 when none. */
    private long moveLeader, moveAt;
    /** The run's leader could not be moved in: the run is tracked by process group. */
    private boolean failed;

    Cgroup(Path dir, long copy) {
        this.dir = dir;
        this.copy = copy;
    }

    Cgroup(Path dir) {
        this(dir, -1);
    }

    Path dir() {
        return dir;
    }

    long copy() {
        return copy;
    }

    /** The move of a run's leader is put off until {@code at} (nanoTime). */
    void awaitMove(long leader, long at) {
        moveLeader = leader;
        moveAt = at;
    }

    long moveAt() {
        return moveAt;
    }

    /** The leader whose move was put off, now to be made, or 0. */
    long takeMove() {
        long leader = moveLeader;
        moveLeader = 0;
        return leader;
    }

    /** Whether it holds its run: not while the leader's move is put off, nor when the move failed. */
    boolean holds() {
        return moveLeader == 0 && !failed;
    }

    void failed() {
        failed = true;
    }

    boolean isFailed() {
        return failed;
    }

    /** Keeps its {@code cgroup.events} open from now on (done before the run ends, off a restart's path). */
    void watch() {
        failed = false; // a new run in it (one reused)
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

    /** Its folder opened, for a spawn straight into it (glibc 2.39+); the caller closes it. */
    int openFolder() throws IOException {
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) Open.OPEN.invokeExact(state, arena.allocateFrom(dir.toString()), O_DIRECTORY_CLOEXEC);
            if (fd < 0) throw new IOException("cannot open " + dir + ": " + Posix.strerror(state.get(Posix.INT, Posix.ERRNO_OFFSET)));
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open failed", t);
        }
    }

    private static final int O_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;

    /** Made at first use, only where glibc can spawn into a cgroup: each new call shape costs the daemon classes. */
    private static final class Open {
        static final MethodHandle OPEN = Posix.LINKER.downcallHandle(Posix.find("open"),
                FunctionDescriptor.of(Posix.INT, Posix.ADDR, Posix.INT), Posix.ERRNO);
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
     * Moves every process of this cgroup (the daemon's own) into {@code into}, but the daemon ({@code self})
     * and its process group ({@code selfGroup}: a health-check command and its children), until none is
     * left: a process moved may have forked again before its move.
     */
    void sweepInto(Cgroup into, long self, long selfGroup) {
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            for (long pid : members()) {
                if (pid == self) continue;
                var stat = ProcFs.stat(pid);
                if (stat.isEmpty() || stat.get().pgrp() == selfGroup) continue;
                try {
                    into.enter(pid);
                    moved = true;
                } catch (IOException gone) {
                    // it ended meanwhile
                }
            }
            if (!moved) return;
        }
    }

    /**
     * Sends the signal to its processes: SIGKILL to all of them, again until none is left (where there is
     * no {@link #kill}, one may fork between the listing and its kill); any other signal only to those
     * outside the leader's process group, which had it already (a second SIGTERM reads as "hurry" to some
     * apps). A pid listed, then reused before the kill, would get the signal: the window is microseconds,
     * and the pid space would have to wrap around in it.
     */
    void signal(long leader, int signal, MemorySegment state) {
        for (int round = 0; round < (signal == Signals.SIGKILL ? 10 : 1); round++) {
            var members = members();
            if (members.isEmpty()) return;
            for (long pid : members) {
                if (signal == Signals.SIGKILL || ProcFs.stat(pid).map(s -> s.pgrp() != leader).orElse(false))
                    Libc.kill(pid, signal, state);
            }
        }
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
