package pm.daemon.registry;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file whole: a temp file (mode 0600, it may hold secrets) put in its place in one step, so a
 * reader sees the old content or the new, never part of either.
 */
public final class AtomicFile {
    private AtomicFile() {}

    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /**
     * With {@code durable}, the data and the rename are fsynced before this returns. Without, a power cut
     * soon after may leave the file empty (ext4 writes a swapped-in file's data later than its name);
     * the run file is written so, and its readers take an empty file as no runs: after a power cut
     * its pids would mean nothing anyway.
     */
    public static void write(Path file, byte[] bytes, boolean durable) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            // The last swap left the old content under tmp: written over in place, then cut to length, its
            // blocks are reused, so a write no larger than the one before needs no new space (on a full
            // disk a stop is still recorded).
            try (var ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), OWNER_ONLY)) {
                var buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.truncate(bytes.length);
                if (durable) ch.force(true);
            }
            if (!swap(tmp, file)) Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) {
                try (var dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                    dir.force(true);
                }
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the old file is intact; a stray temp file is harmless
            }
            throw e;
        }
    }

    private static final int AT_FDCWD = -100;
    private static final int RENAME_EXCHANGE = 2;
    private static final Linker LINKER = Linker.nativeLinker();
    /** Null where libc has no renameat2 (glibc before 2.28): then every write renames. */
    private static final MethodHandle RENAMEAT2 = LINKER.defaultLookup().find("renameat2")
            .map(f -> LINKER.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)))
            .orElse(null);

    /**
     * Swaps the two names ({@code renameat2} with RENAME_EXCHANGE), so the old content stays behind under
     * {@code tmp}; false where it did not happen, for whatever reason (nothing to swap with yet, a
     * filesystem or a seccomp filter that refuses it): the caller's plain rename then reports any real
     * problem. Written by
     * hand because a rename over an existing file makes ext4 start writing the new file out at once (its
     * guard against empty files after a crash, auto_da_alloc): 0.3 ms of kernel time per run file, which
     * is written right after each restart, while the app starts. A swap replaces nothing, so ext4 leaves
     * the data to the usual writeback.
     */
    private static boolean swap(Path tmp, Path file) {
        if (RENAMEAT2 == null) return false;
        try (var arena = Arena.ofConfined()) {
            return (int) RENAMEAT2.invokeExact(AT_FDCWD, arena.allocateFrom(tmp.toString()),
                    AT_FDCWD, arena.allocateFrom(file.toString()), RENAME_EXCHANGE) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
