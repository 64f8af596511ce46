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

    /** Copies the file aside, leaving it in place; returns where the copy went. */
    static Path copy(Path file) throws IOException {
        Path aside = name(file);
        Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    private static Path name(Path file) {
        return file.resolveSibling(file.getFileName() + ".corrupt-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
