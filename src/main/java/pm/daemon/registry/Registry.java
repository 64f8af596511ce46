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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

    /**
     * An entry that could not be taken: unreadable, or a name or id that an earlier entry already has. It
     * is kept in the file as it was (every save writes it back), so mending the file by hand brings it
     * back. {@code id} is -1 and {@code name} "" where the entry does not say them readably.
     */
    public record Unreadable(int id, String name, String why) {}

    /**
     * What a load found: the entries, the entries it could not take, and a warning when a corrupt file had
     * to be set aside or some entries could not be taken.
     */
    public record Loaded(List<Entry> entries, List<Unreadable> unreadable, String warning) {}

    private final Path file;
    /** The entries the last load could not take, as they were; written back by every save. */
    private List<Object> kept = List.of();
    /** Why each of {@link #kept} could not be taken, in the same order. */
    private List<Unreadable> unreadable = List.of();

    public Registry(Path file) {
        this.file = file;
    }

    public Loaded load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), List.of(), "");
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
            return new Loaded(List.of(), List.of(), "the registry was corrupt (" + e.getMessage() + "); it was kept as "
                    + aside + " and pm started with an empty one");
        }
        // One bad entry costs that entry, not the registry: the others load, and it stays in the file as it is.
        var entries = new ArrayList<Entry>();
        var unreadable = new ArrayList<Unreadable>();
        var raw = new ArrayList<Object>();
        var names = new HashMap<String, Integer>();
        var ids = new HashSet<Integer>();
        for (Object o : list) {
            int id = o instanceof Map<?, ?> m && m.get("id") instanceof Long l ? l.intValue() : -1;
            String name = o instanceof Map<?, ?> m && m.get("spec") instanceof Map<?, ?> spec && spec.get("name") instanceof String n ? n : "";
            String why;
            try {
                var entry = entry(o);
                if (names.containsKey(name)) {
                    why = "a second entry named '" + name + "' (the first has id " + names.get(name) + ")";
                } else if (!ids.add(id)) {
                    why = "a second entry with id " + id;
                } else {
                    names.put(name, id);
                    entries.add(entry);
                    continue;
                }
            } catch (RuntimeException e) {
                why = String.valueOf(e.getMessage());
            }
            unreadable.add(new Unreadable(id, name, why));
            raw.add(o);
        }
        kept = List.copyOf(raw);
        this.unreadable = List.copyOf(unreadable);
        if (unreadable.isEmpty()) return new Loaded(entries, List.of(), "");
        Path copy = aside(false);
        var whys = new ArrayList<String>();
        for (var u : unreadable) {
            String which = ((u.name().isEmpty() ? "" : "'" + u.name() + "' ") + (u.id() < 0 ? "" : "(id " + u.id() + ")")).strip();
            whys.add(which.isEmpty() ? u.why() : which + ": " + u.why());
        }
        return new Loaded(entries, List.copyOf(unreadable), unreadable.size() + " registry entr" + (unreadable.size() == 1 ? "y was" : "ies were")
                + " not loaded (" + String.join("; ", whys) + "); " + (unreadable.size() == 1 ? "it stays" : "they stay")
                + " in " + file + " as written until mended there (a copy of the file is in " + copy + "); the others were loaded");
    }

    /** Moves (or copies) the registry file aside under a dated name; returns where it went. */
    private Path aside(boolean move) {
        try {
            return move ? Aside.move(file) : Aside.copy(file);
        } catch (IOException io) {
            throw new PmException(ErrorCode.STORAGE, "the registry " + file + " is damaged and could not be set aside: "
                    + io.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(Object o) {
        if (!(o instanceof Map<?, ?> m) || !(m.get("spec") instanceof Map<?, ?> spec) || !(m.get("id") instanceof Long id))
            throw new IllegalArgumentException("an entry without id or spec");
        return new Entry(id.intValue(), ProcessSpec.fromJson((Map<String, Object>) spec), "running".equals(m.get("desired")));
    }

    /** The entries the last load could not take, which the file still holds. */
    public List<Unreadable> unreadable() {
        return unreadable;
    }

    public Path file() {
        return file;
    }

    /** Saves these entries without the unreadable entry {@code gone}: it is dropped from the file. Throws STORAGE if it cannot. */
    public void drop(Unreadable gone, List<Entry> entries) {
        int i = unreadable.indexOf(gone);
        if (i < 0) return;
        var raw = new ArrayList<Object>(kept);
        raw.remove(i);
        var whys = new ArrayList<Unreadable>(unreadable);
        whys.remove(i);
        write(entries, raw);
        kept = List.copyOf(raw);
        unreadable = List.copyOf(whys);
    }

    /** Replaces the file with these entries, durably. Throws STORAGE if it cannot. */
    public void save(List<Entry> entries) {
        write(entries, kept);
    }

    private void write(List<Entry> entries, List<Object> kept) {
        var list = new ArrayList<Object>();
        for (var e : entries) {
            var m = new LinkedHashMap<String, Object>();
            m.put("id", e.id());
            m.put("desired", e.wanted() ? "running" : "stopped");
            m.put("spec", e.spec().toJson());
            list.add(m);
        }
        list.addAll(kept);
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
