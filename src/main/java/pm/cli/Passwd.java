package pm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A user's home folder from /etc/passwd (users that only a directory service knows are not found). */
final class Passwd {
    private Passwd() {}

    static Optional<Path> home(String user) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                // name:password:uid:gid:gecos:home:shell
                String[] f = line.split(":", -1);
                if (f.length >= 7 && f[0].equals(user) && !f[5].isEmpty()) return Optional.of(Path.of(f[5]));
            }
        } catch (IOException e) {
            // no passwd file to read: the caller falls back on its own
        }
        return Optional.empty();
    }
}
