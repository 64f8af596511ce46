package pm.daemon.registry;

import pm.core.ErrorCode;
import pm.core.Json;
import pm.core.PmException;
import pm.core.ProcessSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable registry: every process's spec and whether it should run. It only stores (DESIGN.md
 * principle 2). Each save writes a temp file, fsyncs it, renames it over the old one and fsyncs the
 * folder, so a crash at any instant leaves either the old or the new file, never a torn one.
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
        try {
            return new Loaded(parse(text), "");
        } catch (RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException io) {
                throw new PmException(ErrorCode.STORAGE, "the registry " + file + " is corrupt (" + e.getMessage()
                        + ") and could not be moved aside: " + io.getMessage());
            }
            return new Loaded(List.of(), "the registry was corrupt (" + e.getMessage() + "); it was kept as "
                    + aside + " and pm started with an empty one");
        }
    }

    private static List<Entry> parse(String text) {
        var root = Json.parseObject(text);
        if (!(root.get("format") instanceof Long f) || f != FORMAT)
            throw new IllegalArgumentException("unknown format " + root.get("format"));
        var entries = new ArrayList<Entry>();
        if (!(root.get("processes") instanceof List<?> list)) throw new IllegalArgumentException("no process list");
        for (Object o : list) {
            @SuppressWarnings("unchecked")
            var m = (Map<String, Object>) o;
            @SuppressWarnings("unchecked")
            var spec = ProcessSpec.fromJson((Map<String, Object>) m.get("spec"));
            entries.add(new Entry(((Long) m.get("id")).intValue(), spec, "running".equals(m.get("desired"))));
        }
        return entries;
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
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (var dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the old registry is intact; the stray temp file is harmless
            }
            throw new PmException(ErrorCode.STORAGE, "cannot write the registry " + file + ": " + e.getMessage());
        }
    }
}
