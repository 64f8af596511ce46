package pm.file;

import pm.core.Json;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a pm.yaml: {@code apps:} and each app's keys, with comments where asked. Written by hand rather
 * through SnakeYAML's emitter for the comments beside each app and a layout people would write; every
 * string that YAML would read as something else (a number, true, null, a comment, a flow) is written in
 * double quotes, JSON-escaped, which YAML reads back the same.
 */
public final class YamlOut {
    private static final Pattern NOT_A_WORD = Pattern.compile(
            "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"
                    + "|null|Null|NULL|~|true|True|TRUE|false|False|FALSE|yes|no|on|off|y|n|Yes|No|On|Off|YES|NO|ON|OFF");

    /** One app to write: its keys in order, and comment lines to put above them. */
    public record App(String name, Map<String, Object> keys, List<String> comments) {}

    private final StringBuilder out = new StringBuilder();

    /** Comment lines first (each written {@code # line}), then the apps. */
    public static String write(List<String> header, List<App> apps) {
        var w = new YamlOut();
        for (String line : header) w.out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        w.out.append(apps.isEmpty() ? "apps: {}\n" : "apps:\n");
        for (var app : apps) {
            w.out.append("  ").append(scalar(app.name())).append(app.keys().isEmpty() ? ": {}\n" : ":\n");
            for (String c : app.comments()) w.out.append("    # ").append(c).append('\n');
            app.keys().forEach((k, v) -> w.entry(k, v, 4));
        }
        return w.out.toString();
    }

    private void entry(String key, Object value, int indent) {
        out.append(" ".repeat(indent)).append(scalar(key)).append(':');
        if (value instanceof Map<?, ?> m && !m.isEmpty()) {
            out.append('\n');
            m.forEach((k, v) -> entry(String.valueOf(k), v, indent + 2));
        } else if (value instanceof List<?> l && !l.isEmpty()) {
            out.append('\n');
            for (Object item : l) out.append(" ".repeat(indent + 2)).append("- ").append(scalarOf(item)).append('\n');
        } else {
            out.append(' ').append(scalarOf(value)).append('\n');
        }
    }

    private static String scalarOf(Object v) {
        if (v instanceof Map<?, ?>) return "{}";
        if (v instanceof List<?>) return "[]";
        if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
        return scalar(String.valueOf(v));
    }

    /** The string as a plain YAML word where that reads back as the same string, else in double quotes. */
    static String scalar(String s) {
        return plain(s) ? s : Json.write(s);
    }

    private static boolean plain(String s) {
        if (s.isEmpty() || !s.strip().equals(s) || NOT_A_WORD.matcher(s).matches()) return false;
        char first = s.charAt(0);
        if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0 && !(first == '-' && s.length() > 1 && (s.charAt(1) == '-' || Character.isLetter(s.charAt(1)))))
            return false;
        if (s.contains(": ") || s.contains(" #") || s.endsWith(":")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\') return false;
        }
        return true;
    }
}
