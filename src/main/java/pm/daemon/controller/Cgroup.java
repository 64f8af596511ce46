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
record Cgroup(Path dir) {
    /** Its live processes (zombies are not listed), from {@code cgroup.procs}; empty once it is gone. */
    List<Long> members() {
        return ProcFs.cgroupMembers(dir);
    }

    /**
     * Whether any process is left in it ({@code populated} in {@code cgroup.events}; zombies do not count).
     * A cgroup that is gone is empty; one that cannot be read is taken as populated, as a process group
     * that cannot be listed is.
     */
    boolean populated() {
        try {
            return Files.readString(dir.resolve("cgroup.events"), StandardCharsets.US_ASCII).contains("populated 1");
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            return true;
        }
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
            return true;
        } catch (IOException busy) {
            return false; // EBUSY: processes are still in it
        }
    }

    private void write(String file, String text) throws IOException {
        try (var ch = FileChannel.open(dir.resolve(file), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
