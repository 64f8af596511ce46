package pm.daemon.registry;

import pm.core.ErrorCode;
import pm.core.Json;
import pm.core.PmException;
import pm.core.ProcessSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable registry: every process's spec and whether it should run. It only stores (DESIGN.md
 * principle 2). Each save writes a temp file, fsyncs it, puts it in place of the old one (AtomicFile)
 * and fsyncs the folder, so a crash at any instant leaves either the old or the new file, never a torn one.
 */
public final class Registry {
    private static final int FORMAT = 1;

    /** One registered process: a stable id, its spec, and whether the user wants it running. */
    public record Entry(int id, ProcessSpec spec, boolean wanted) {
        public Entry withWanted(boolean w) {
            return new Entry(id, spec, w);
        }
    }

    /** What a load found: the entries, and a warning when a corrupt file had to be set aside. */
    public record Loaded(List<Entry> entries, String warning) {}

    private final Path file;

    public Registry(Path file) {
        this.file = file;
    }

    public Loaded load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), "");
        } catch (IOException e) {
            throw new PmException(ErrorCode.STORAGE, "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, Object> root;
        List<?> list;
        try {
            root = Json.parseObject(text);
            if (!(root.get("format") instanceof Long f) || f != FORMAT)
                throw new IllegalArgumentException("unknown format " + root.get("format"));
            if (!(root.get("processes") instanceof List<?> l)) throw new IllegalArgumentException("no process list");
            list = l;
        } catch (RuntimeException e) {
            Path aside = aside(true);
            return new Loaded(List.of(), "the registry was corrupt (" + e.getMessage() + "); it was kept as "
                    + aside + " and pm started with an empty one");
        }
        // One bad entry costs that entry, not the registry: the others load, the file is copied aside whole.
        var entries = new ArrayList<Entry>();
        var bad = new ArrayList<String>();
        for (Object o : list) {
            try {
                entries.add(entry(o));
            } catch (RuntimeException e) {
                bad.add(String.valueOf(e.getMessage()));
            }
        }
        if (bad.isEmpty()) return new Loaded(entries, "");
        Path copy = aside(false);
        return new Loaded(entries, bad.size() + " registry entr" + (bad.size() == 1 ? "y" : "ies") + " could not be read ("
                + String.join("; ", bad) + "); the whole file was copied to " + copy + " and the others were loaded");
    }

    /** Moves (or copies) the registry file aside under a dated name; returns where it went. */
    private Path aside(boolean move) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            if (move) Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            else Files.copy(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException io) {
            throw new PmException(ErrorCode.STORAGE, "the registry " + file + " is damaged and could not be set aside: "
                    + io.getMessage());
        }
        return aside;
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(Object o) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("spec") instanceof Map<?, ?> spec) || !(m.get("id") instanceof Long id))
            throw new IllegalArgumentException("an entry without id or spec");
        return new Entry(id.intValue(), ProcessSpec.fromJson((Map<String, Object>) spec), "running".equals(m.get("desired")));
    }

    /** Replaces the file with these entries, durably. Throws STORAGE if it cannot. */
    public void save(List<Entry> entries) {
        var list = new ArrayList<Object>();
        for (var e : entries) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", e.id());
            m.put("desired", e.wanted() ? "running" : "stopped");
            m.put("spec", e.spec().toJson());
            list.add(m);
        }
        var root = new LinkedHashMap<String, Object>();
        root.put("format", FORMAT);
        root.put("processes", list);
        byte[] bytes = (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFile.write(file, bytes, true);
        } catch (IOException e) {
            throw new PmException(ErrorCode.STORAGE, "cannot write the registry " + file + ": " + e.getMessage()
                    + " (nothing was changed)");
        }
    }
}
