package pm.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The daemon's small files in PM_HOME (its lock, pid and heartbeat port), made readable and writable by its
 * user alone whatever the umask it was started with: under umask 000 others could rewrite them.
 */
final class PrivateFile {
    private PrivateFile() {}

    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** Opens the file for writing, creating it owner-only if it is missing. */
    static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OWNER_ONLY);
    }

    /** Replaces the file's content with {@code text}, creating it owner-only if it is missing. */
    static void write(Path file, String text) throws IOException {
        try (var ch = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), OWNER_ONLY)) {
            var buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
        }
    }
}
