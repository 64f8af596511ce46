package pm.daemon.procfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One-off reads of {@code /proc}: a process's stat line, and whether a process group has a live member;
 * and the members of a cgroup.
 */
public final class ProcFs {
    private ProcFs() {}

    private static final Path PROC = Path.of("/proc");

    /** The stat of a process, or empty when there is no such process. */
    public static Optional<ProcStat> stat(long pid) {
        return read(PROC.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** Whether the process with this pid still runs (a zombie does not) and started at {@code startTime}. */
    public static boolean isSameLiveProcess(long pid, long startTime) {
        return stat(pid).filter(s -> s.state() != 'Z' && s.startTime() == startTime).isPresent();
    }

    /**
     * Whether any process of the group is still running. Zombies do not count: an orphan that waits to
     * be reaped by init (slowly, or never when pm runs as a container's PID 1) is already gone.
     */
    public static boolean groupHasLiveMember(long pgid) {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                var s = read(p.resolve("stat"));
                if (s.isPresent() && s.get().pgrp() == pgid && s.get().state() != 'Z') return true;
            }
        } catch (IOException e) {
            return true; // cannot tell: assume it is still there, the kill timeout will settle it
        }
        return false;
    }

    /** The pids of the group's running members (zombies left out), in /proc order. */
    public static java.util.List<Long> groupMembers(long pgid) {
        var out = new java.util.ArrayList<Long>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                var s = read(p.resolve("stat"));
                if (s.isPresent() && s.get().pgrp() == pgid && s.get().state() != 'Z') out.add(Long.parseLong(name));
            }
        } catch (IOException e) {
            // report what was found
        }
        return out;
    }

    /**
     * The pids in a cgroup's {@code cgroup.procs} (its live processes: the kernel leaves zombies out), in
     * the kernel's order; empty when the cgroup is gone or cannot be read.
     */
    public static java.util.List<Long> cgroupMembers(Path cgroup) {
        var out = new java.util.ArrayList<Long>();
        byte[] text;
        try {
            text = Files.readAllBytes(cgroup.resolve("cgroup.procs"));
        } catch (IOException gone) {
            return out;
        }
        long pid = 0;
        for (byte b : text) {
            if (b >= '0' && b <= '9') {
                pid = pid * 10 + (b - '0');
            } else if (pid != 0) {
                out.add(pid);
                pid = 0;
            }
        }
        if (pid != 0) out.add(pid);
        return out;
    }

    private static long bootMillis;

    /** When the machine booted (wall clock, from {@code btime} in /proc/stat), or 0 when unknown. */
    public static long bootMillis() {
        if (bootMillis != 0) return bootMillis;
        try {
            for (String line : Files.readAllLines(PROC.resolve("stat"))) {
                if (line.startsWith("btime ")) return bootMillis = Long.parseLong(line.substring(6).trim()) * 1000;
            }
        } catch (IOException | NumberFormatException e) {
            // unknown
        }
        return 0;
    }

    private static Optional<ProcStat> read(Path stat) {
        try (var ch = FileChannel.open(stat, StandardOpenOption.READ)) {
            var buf = ByteBuffer.allocate(1024);
            if (ch.read(buf) <= 0) return Optional.empty();
            buf.flip();
            return Optional.ofNullable(ProcStat.parse(buf));
        } catch (IOException gone) {
            return Optional.empty();
        }
    }
}
