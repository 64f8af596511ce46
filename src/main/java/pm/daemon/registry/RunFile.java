package pm.daemon.registry;

import pm.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What runs right now: each running app's pid, start time and counters, so the next daemon can adopt
 * the apps instead of starting them twice. Written after every change (after an automatic restart, up to
 * a few milliseconds later: Engine.AFTER_RESTART) with a rename, so a daemon killed at any moment leaves
 * a whole file. Not fsynced on purpose: after a power loss the apps are gone too, and skipping the fsync
 * keeps starting 100 apps fast.
 */
public final class RunFile {
    private static final int FORMAT = 1;

    /** One running app as the next daemon needs to know it; {@code cgroup} is its cgroup's folder, or "". */
    public record Saved(long pid, long startTime, long startedAtMillis, int restarts, String secret, String cgroup) {}

    private final Path file;

    public RunFile(Path file) {
        this.file = file;
    }

    /** The saved runs by name; empty when there is no file or it cannot be read (adoption is best effort). */
    public Map<String, Saved> load() {
        var out = new LinkedHashMap<String, Saved>();
        try {
            var root = Json.parseObject(Files.readString(file));
            if (!(root.get("runs") instanceof Map<?, ?> runs)) return out;
            for (var e : runs.entrySet()) {
                if (!(e.getValue() instanceof Map<?, ?> r)) continue;
                out.put(String.valueOf(e.getKey()), new Saved(num(r, "pid"), num(r, "start_time"),
                        num(r, "started_at_ms"), (int) num(r, "restarts"), String.valueOf(r.get("secret")),
                        r.get("cgroup") instanceof String cgroup ? cgroup : ""));
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return out;
    }

    public void save(Map<String, Saved> runs) throws IOException {
        var m = new LinkedHashMap<String, Object>();
        for (var e : runs.entrySet()) {
            var r = new LinkedHashMap<String, Object>();
            r.put("pid", e.getValue().pid());
            r.put("start_time", e.getValue().startTime());
            r.put("started_at_ms", e.getValue().startedAtMillis());
            r.put("restarts", e.getValue().restarts());
            r.put("secret", e.getValue().secret());
            r.put("cgroup", e.getValue().cgroup());
            m.put(e.getKey(), r);
        }
        var root = new LinkedHashMap<String, Object>();
        root.put("format", FORMAT);
        root.put("runs", m);
        AtomicFile.write(file, (Json.write(root) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    }

    private static long num(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
