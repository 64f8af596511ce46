package pm.file;

import pm.core.Json;
import pm.core.Release;
import pm.core.SpecBuilder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a pm.yaml gave the last time {@code pm apply} sent it to the daemon, kept in {@code
 * PM_HOME/applied/}, with everything the parse read: the file's text, each env file's text and each
 * variable the file named with its value (or its absence). Applying the same file again with all of
 * them the same skips the YAML library, whose classes are most of a cold apply's time. Only the parse
 * is skipped: each app's settings go through the spec builder again, so a script, a virtualenv or a
 * PATH that changed since is seen, and the daemon plans against its registry as always.
 *
 * <p>Loaded on apply's fast path: no class of the YAML library or of the parse may be named here.
 */
public final class Applied {
    /** One app as the file gave it: the settings the spec builder reads (variables expanded, env files merged), and whether apply starts it. */
    public record Settings(String name, Map<String, Object> raw, boolean autostart) {}

    /**
     * A successful parse: the file (absolute), its text, each env file read (absolute path to its text),
     * each variable the file named (to its value; null when it was unset) and the apps it gave.
     */
    public record Memory(Path file, String text, Map<String, String> envFiles, Map<String, String> variables, List<Settings> apps) {}

    private static final int FORMAT = 1;
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<?> OWNER_ONLY_DIR = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path dir;

    /** The memories kept in {@code dir} ({@code PM_HOME/applied}). */
    public Applied(Path dir) {
        this.dir = dir;
    }

    /**
     * The apps of {@code file} (whose text is {@code text}) as the last apply of it gave them, each spec
     * built again with {@code env} and the folders as they are; null when there is no memory of it, when
     * anything the parse read differs, when the memory cannot be read, or when a spec no longer builds
     * (the parse then says what is wrong, with its line).
     */
    public List<AppsFile.App> recall(Path file, String text, Map<String, String> env) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(place(absolute)));
            if (!(m.get("format") instanceof Long f && f == FORMAT) || !build().equals(m.get("build"))
                    || !absolute.toString().equals(m.get("file")) || !text.equals(m.get("text")))
                return null;
            for (var e : map(m.get("env_files")).entrySet()) {
                Path envFile = Path.of(e.getKey());
                // A fifo would be drained here and read empty by the parse that follows.
                if (!Files.isRegularFile(envFile) || !Files.readString(envFile).equals(e.getValue())) return null;
            }
            for (var e : map(m.get("variables")).entrySet()) if (!Objects.equals(env.get(e.getKey()), e.getValue())) return null;
            var context = new SpecBuilder.Context(absolute.getParent(), env);
            var apps = new ArrayList<AppsFile.App>();
            for (Object o : (List<?>) m.get("apps")) {
                var app = map(o);
                String name = (String) app.get("name");
                var built = SpecBuilder.build(map(app.get("settings")), SpecBuilder.Naming.keys("apps." + name), context);
                if (!(built instanceof SpecBuilder.Built.Valid valid)) return null;
                apps.add(new AppsFile.App(valid.spec(), (Boolean) app.get("autostart")));
            }
            return apps;
        } catch (IOException | RuntimeException e) {
            return null; // no memory, or one this cannot use: the file is parsed as if there were none
        }
    }

    /**
     * Keeps {@code memory} for the next apply of its file, replacing the one before in one step (mode
     * 0600: the settings hold the apps' environments). Keeps nothing when the memory would not read back
     * the same; a failure to write is no error, the next apply parses the file again.
     */
    public void keep(Memory memory) {
        var apps = new ArrayList<Object>();
        for (var s : memory.apps()) apps.add(Map.of("name", s.name(), "autostart", s.autostart(), "settings", s.raw()));
        var m = new LinkedHashMap<String, Object>();
        m.put("format", (long) FORMAT);
        m.put("build", build());
        m.put("file", memory.file().toAbsolutePath().normalize().toString());
        m.put("text", memory.text());
        var envFiles = new LinkedHashMap<String, Object>();
        memory.envFiles().forEach((k, v) -> envFiles.put(k, v));
        m.put("env_files", envFiles);
        var variables = new LinkedHashMap<String, Object>();
        memory.variables().forEach((k, v) -> variables.put(k, v));
        m.put("variables", variables);
        m.put("apps", apps);
        String json = Json.write(m);
        // A value JSON cannot carry as it is (a NaN, a number it would read back as another type) would come
        // back different: such a file is parsed every time.
        if (!Json.parse(json).equals(m)) return;
        Path place = place(memory.file().toAbsolutePath().normalize());
        Path tmp = place.resolveSibling(place.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            if (!Files.isDirectory(dir)) Files.createDirectories(dir, OWNER_ONLY_DIR);
            try (var ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
                var buf = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) ch.write(buf);
            }
            Files.move(tmp, place, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray temp file is harmless
            }
        }
    }

    /** One memory per file, named by its path's hash; the path inside tells two files of one hash apart. */
    private Path place(Path absolute) {
        return dir.resolve(Integer.toHexString(absolute.toString().hashCode()) + ".json");
    }

    /**
     * The pm that parsed: its version and its jar's size and time, so that a memory made by another build
     * (whose loader may read a file otherwise) is not used.
     */
    private static String build() {
        String jar = System.getProperty("java.class.path", "").split(":", 2)[0];
        try {
            return Release.VERSION + " " + Files.size(Path.of(jar)) + " " + Files.getLastModifiedTime(Path.of(jar)).toMillis();
        } catch (IOException | RuntimeException e) {
            return Release.VERSION + " " + jar;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) Objects.requireNonNull((Map<?, ?>) o);
    }
}
