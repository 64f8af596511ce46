package pm.daemon.controller;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a daemon may make cgroups: the cgroup v2 {@code mount}, the daemon's own cgroup there
 * ({@code base}), and this home's subtree in it ({@code root}, named {@link #name}). Found from
 * {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}, by hand: a few fields of two small files.
 */
record CgroupSubtree(Path mount, Path base, Path root) {
    /** For the home (its real path); IllegalStateException with the reason where there is no such place. */
    static CgroupSubtree locate(Path home) throws IOException {
        Path mount = v2Mount(lines(Path.of("/proc/self/mountinfo")));
        Path base = mount.resolve(ownCgroup(lines(Path.of("/proc/self/cgroup"))).substring(1));
        return new CgroupSubtree(mount, base, base.resolve(name(home)));
    }

    /** Not readAllLines, whose decoder classes the daemon needs nowhere else. */
    private static List<String> lines(Path file) throws IOException {
        return List.of(Files.readString(file).split("\n"));
    }

    /** An I/O failure in words: the JDK's message for a denied access is the file's name alone. */
    static String why(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException a) return a.getFile() + ": permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        return String.valueOf(e.getMessage());
    }

    /**
     * The cgroup v2 hierarchy in {@code /proc/self/mountinfo}'s lines: {@code /sys/fs/cgroup} when it is
     * one, else the first cgroup2 mount (a hybrid's unified one).
     */
    static Path v2Mount(List<String> mountinfo) {
        Path found = null;
        for (String line : mountinfo) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 5 || dash + 1 >= f.length || !f[dash + 1].equals("cgroup2")) continue;
            // A mount of a sub-cgroup (root not "/") or a point with an escaped space would need mapping: not ours to guess.
            if (!f[3].equals("/") || f[4].contains("\\")) continue;
            if (f[4].equals("/sys/fs/cgroup")) return Path.of(f[4]);
            if (found == null) found = Path.of(f[4]);
        }
        if (found == null) throw new IllegalStateException("no cgroup v2 hierarchy is mounted");
        return found;
    }

    /** The daemon's own cgroup, from the {@code 0::} line of {@code /proc/self/cgroup}'s lines. */
    static String ownCgroup(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("0::/") && !line.endsWith(" (deleted)")) return line.substring(3);
        }
        throw new IllegalStateException("the daemon is in no cgroup v2 group (/proc/self/cgroup)");
    }

    /** pm-HASH, HASH the 64-bit FNV-1a of the home's path: short, stable, and one per home. */
    static String name(Path home) {
        long h = 0xcbf29ce484222325L;
        for (byte b : home.toString().getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return "pm-" + Long.toHexString(h);
    }

    /** Makes the folder; false if it was there already. */
    static boolean mkdir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }
}
