package pm.file;

import pm.core.PmException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * supervisord's INI dialect, read by hand (a few rules: sections, {@code key = value} or {@code key: value},
 * {@code ;} and {@code #} comments, indented continuation lines), as the JDK has no INI reader and
 * supervisord's own quirks need handling anyway; and the files its {@code [include]} names.
 */
final class SupervisordIni {
    private SupervisordIni() {}

    /**
     * The files an {@code [include] files =} value names: globs separated by white space, relative to the
     * including file's folder, each one's matches sorted by name.
     */
    static List<Path> included(String files, Path here) {
        var out = new ArrayList<Path>();
        for (String glob : files.split("\\s+")) {
            if (glob.isEmpty()) continue;
            Path pattern = here.resolve(glob).normalize();
            // The walk starts at the deepest folder with no wildcard in it, and goes as deep as the pattern does.
            Path base = pattern.getRoot();
            int depth = 0;
            boolean wild = false;
            for (Path part : pattern) {
                wild |= part.toString().chars().anyMatch(c -> "*?[".indexOf(c) >= 0);
                if (wild) depth++;
                else base = base.resolve(part);
            }
            if (depth == 0) {
                if (Files.isRegularFile(pattern)) out.add(pattern);
                continue;
            }
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            try (var found = Files.find(base, depth, (p, a) -> a.isRegularFile() && matcher.matches(p))) {
                found.sorted().forEach(out::add);
            } catch (IOException e) {
                // a folder that is not there matches nothing, as for supervisord
            }
        }
        return out;
    }

    /** Sections by name, each its keys (lower case) and values, in the file's order. */
    static Map<String, Map<String, String>> sections(String text, String shown) {
        var out = new LinkedHashMap<String, Map<String, String>>();
        Map<String, String> current = null;
        String lastKey = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith(";") || stripped.startsWith("#")) continue;
            if (Character.isWhitespace(line.charAt(0)) && current != null && lastKey != null) {
                current.merge(lastKey, withoutComment(stripped), (a, b) -> a.isEmpty() ? b : a + "\n" + b);
                continue;
            }
            if (stripped.startsWith("[")) {
                int end = stripped.indexOf(']');
                if (end < 0) throw PmException.invalid(shown + ":" + (i + 1) + ": a section header without ]: write [program:NAME]");
                current = out.computeIfAbsent(stripped.substring(1, end).strip(), s -> new LinkedHashMap<>());
                lastKey = null;
                continue;
            }
            int eq = stripped.indexOf('=');
            int colon = stripped.indexOf(':');
            int cut = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
            if (current == null || cut <= 0)
                throw PmException.invalid(shown + ":" + (i + 1) + ": expected key = value in a [section], got: " + stripped);
            lastKey = stripped.substring(0, cut).strip().toLowerCase(Locale.ROOT);
            current.put(lastKey, withoutComment(stripped.substring(cut + 1).strip()));
        }
        return out;
    }

    /** supervisord ends a value at {@code ;} or {@code #} after white space. */
    private static String withoutComment(String value) {
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c == ';' || c == '#') && Character.isWhitespace(value.charAt(i - 1))) return value.substring(0, i).strip();
        }
        return value;
    }
}
