package pm.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * An install bundle unpacked into a temporary folder, and a way to run commands as a machine with no
 * other Java would: a PATH that reaches everything the current one does except {@code java} (and
 * {@code mvn}, so nothing can be built), no JAVA_HOME, no PM_JAVA, and a private PM_HOME.
 */
final class Unpacked implements AutoCloseable {
    final Path dir;
    final Path home;
    private final Path bin;

    Unpacked(String prefix) {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
            // Short path: the control socket's path must stay under 108 bytes.
            home = Files.createTempDirectory(Path.of("/tmp"), "pm-it-");
            bin = Files.createDirectory(dir.resolve("no-java-bin"));
            linkPathExcept(bin, List.of("java", "mvn"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A folder of links to every program the current PATH finds, the first of each name, but those left out. */
    private static void linkPathExcept(Path bin, List<String> left) throws IOException {
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path folder = Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath();
            if (!Files.isDirectory(folder)) continue;
            try (var programs = Files.list(folder)) {
                for (Path program : (Iterable<Path>) programs::iterator) {
                    String name = program.getFileName().toString();
                    Path link = bin.resolve(name);
                    if (left.contains(name) || Files.exists(link, LinkOption.NOFOLLOW_LINKS)) continue;
                    Files.createSymbolicLink(link, program);
                }
            }
        }
    }

    /** The PATH with no Java on it, and {@code first} ahead of it if given. */
    String path(Path first) {
        return first == null ? bin.toString() : first + ":" + bin;
    }

    /** Runs a program in the no-Java environment, with PATH as given, and waits for it (60 s at most). */
    Pm.Result run(String path, Map<String, String> env, List<String> cmd) {
        try {
            var pb = new ProcessBuilder(cmd).directory(dir.toFile());
            var environment = pb.environment();
            for (String name : List.of("JAVA_HOME", "PM_JAVA", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS"))
                environment.remove(name);
            environment.put("PATH", path);
            environment.put("PM_HOME", home.toString());
            environment.put("NO_COLOR", "1");
            environment.putAll(env);
            return Pm.finish(pb);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a build-machine tool (tar, dpkg-deb) with the normal environment; it must succeed. */
    static String tool(String... cmd) {
        try {
            var r = Pm.finish(new ProcessBuilder(cmd));
            if (r.code() != 0) throw new AssertionError(String.join(" ", cmd) + " failed: " + r);
            return r.out();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Path tree : List.of(dir, home)) {
            try (var files = Files.walk(tree)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp folder is harmless
            }
        }
    }
}
