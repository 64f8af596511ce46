package pm.daemon.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Sets a damaged file aside under a dated name ({@code NAME.corrupt-YYYYMMDD-HHMMSS}), for a person to look at. */
final class Aside {
    private Aside() {}

    /** Moves the file aside; returns where it went. */
    static Path move(Path file) throws IOException {
        Path aside = name(file);
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /**
     * Copies the file aside, leaving it in place; returns where the copy went. A copy already aside with the
     * same bytes is that copy: a bad entry left in the file would otherwise add one at every daemon start.
     */
    static Path copy(Path file) throws IOException {
        String prefix = file.getFileName() + ".corrupt-";
        try (var earlier = Files.newDirectoryStream(file.toAbsolutePath().getParent(), p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : earlier) if (Files.isRegularFile(p) && Files.mismatch(file, p) < 0) return p;
        }
        Path aside = name(file);
        Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    private static Path name(Path file) {
        return file.resolveSibling(file.getFileName() + ".corrupt-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
