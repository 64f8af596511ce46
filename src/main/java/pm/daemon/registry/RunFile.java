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
 * keeps starting 100 apps fast. A run it does not name is still found by its mark (RunMark).
 * A rolling reload's second run of a copy (the replacement until it is ready, then the old run as it
 * stops) is kept apart, under {@code aside}, so the next daemon takes it over too.
 */
public final class RunFile {
    private static final int FORMAT = 1;

    /**
     * One running app as the next daemon needs to know it; {@code cgroup} is its cgroup's folder, or "";
     * {@code serial} the run's mark (RunMark), 0 when not known. A run set aside with pid 0 is a
     * replacement about to be spawned: only its mark can tell whether it was ({@link #PENDING}).
     */
    public record Saved(long pid, long startTime, long startedAtMillis, int restarts, String secret, String cgroup, long serial) {
        public static final Saved PENDING = new Saved(0, 0, 0, 0, "", "", 0);
    }

    /**
     * What a load found: the saved runs by name, the runs set aside by a reload by the name of their copy,
     * and a warning when a corrupt file had to be set aside.
     */
    public record Loaded(Map<String, Saved> runs, Map<String, Saved> aside, String warning) {
        Loaded(String warning) {
            this(new LinkedHashMap<>(), new LinkedHashMap<>(), warning);
        }
    }

    private final Path file;

    public RunFile(Path file) {
        this.file = file;
    }

    /**
     * The saved runs by name; none when there is no file, or an empty one (what a power cut can leave: its
     * pids would mean nothing anyway). A corrupt file is moved aside, with a warning, and gives no runs.
     */
    public Loaded load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Loaded("");
        } catch (IOException e) {
            return new Loaded("cannot read " + file + " (" + e.getMessage() + "); running apps were looked for in /proc");
        }
        if (text.isBlank()) return new Loaded("");
        try {
            var root = Json.parseObject(text);
            if (!(root.get("format") instanceof Long f) || f != FORMAT) throw new IllegalArgumentException("unknown format " + root.get("format"));
            if (!(root.get("runs") instanceof Map<?, ?> runs)) throw new IllegalArgumentException("no runs");
            return new Loaded(runs(runs), root.get("aside") instanceof Map<?, ?> aside ? runs(aside) : new LinkedHashMap<>(), "");
        } catch (RuntimeException e) {
            String where;
            try {
                where = "it was kept as " + Aside.move(file);
            } catch (IOException io) {
                where = "it could not be set aside (" + io.getMessage() + ")";
            }
            return new Loaded("the run file was corrupt (" + e.getMessage() + "); " + where
                    + ", and running apps were looked for in /proc by their mark instead");
        }
    }

    private static Map<String, Saved> runs(Map<?, ?> runs) {
        var out = new LinkedHashMap<String, Saved>();
        for (var e : runs.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> r)) throw new IllegalArgumentException("the run of " + e.getKey() + " is not an object");
            out.put(String.valueOf(e.getKey()), new Saved(num(r, "pid"), num(r, "start_time"),
                    num(r, "started_at_ms"), (int) num(r, "restarts"), String.valueOf(r.get("secret")),
                    r.get("cgroup") instanceof String cgroup ? cgroup : "", num(r, "serial")));
        }
        return out;
    }

    public void save(Map<String, Saved> runs) throws IOException {
        save(runs, Map.of());
    }

    /** Writes the runs, and those a reload set aside ({@code aside} is left out of the file when empty). */
    public void save(Map<String, Saved> runs, Map<String, Saved> aside) throws IOException {
        var root = new LinkedHashMap<String, Object>();
        root.put("format", FORMAT);
        root.put("runs", json(runs));
        if (!aside.isEmpty()) root.put("aside", json(aside));
        AtomicFile.write(file, (Json.write(root) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    }

    private static Map<String, Object> json(Map<String, Saved> runs) {
        var m = new LinkedHashMap<String, Object>();
        for (var e : runs.entrySet()) {
            var r = new LinkedHashMap<String, Object>();
            r.put("pid", e.getValue().pid());
            r.put("start_time", e.getValue().startTime());
            r.put("started_at_ms", e.getValue().startedAtMillis());
            r.put("restarts", e.getValue().restarts());
            r.put("secret", e.getValue().secret());
            r.put("cgroup", e.getValue().cgroup());
            r.put("serial", e.getValue().serial());
            m.put(e.getKey(), r);
        }
        return m;
    }

    private static long num(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
