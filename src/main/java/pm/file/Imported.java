package pm.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One app carried over from another manager's file ({@code pm import}): the pm.yaml keys it maps to, and a
 * note for each setting it could not map, written as comments beside it. Shared by the PM2 and the
 * supervisord readers.
 */
public final class Imported {
    /** The pm.yaml, and how many apps it holds and settings it could not carry over, for the summary on stderr. */
    public record Output(String yaml, int apps, int notes) {}

    final String name;
    final Map<String, Object> keys = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    Imported(String name) {
        this.name = name;
    }

    void put(String key, Object value) {
        keys.put(key, value);
    }

    void note(String setting, Object value, String why) {
        notes.add(setting + ": " + oneLine(value) + " - " + why);
    }

    YamlOut.App toApp() {
        return new YamlOut.App(name, keys, notes.isEmpty() ? List.of() : notes.stream().map(n -> "not carried over: " + n).toList());
    }

    /** A name pm takes: letters, digits, '-', '_', '.', '@'; anything else becomes '-'. */
    static String appName(String wanted) {
        var out = new StringBuilder();
        for (char c : wanted.strip().toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.@".indexOf(c) >= 0;
            out.append(ok ? c : '-');
        }
        String name = out.toString().replaceAll("^[-.]+", "");
        return name.isEmpty() ? "app" : name.length() > 64 ? name.substring(0, 64) : name;
    }

    /**
     * A script as the other manager finds it: relative to the app's folder. A pm.yaml reads a relative
     * script from its own folder instead, so the folder is put in front of it.
     */
    static String inFolder(String folder, String script) {
        if (folder == null || script.startsWith("/")) return script;
        Path inside = Path.of(folder).resolve(script).normalize();
        // A bare name that is not in the folder is a program found on PATH (npm, gunicorn).
        if (!script.contains("/") && !Files.exists(inside)) return script;
        return inside.toString();
    }

    private static String oneLine(Object value) {
        String s = String.valueOf(value);
        s = s.replace('\n', ' ').strip();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * Words as a POSIX shell splits them, with single and double quotes and backslashes (supervisord's
     * command, PM2's args string); written by hand, as the JDK has no shell-word splitter.
     */
    static List<String> words(String line) {
        var out = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else word.append(c);
            } else if (quote == '"') {
                if (c == '"') quote = 0;
                else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) word.append(line.charAt(++i));
                else word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) out.add(word.toString());
        return out;
    }

    /** The pm.yaml of the apps, with a header saying where they came from. */
    static Output yaml(String tool, String file, List<String> fileNotes, List<Imported> apps) {
        var header = new ArrayList<String>(List.of(
                "pm.yaml imported from " + file + " by pm import " + tool + ".",
                tool.equals("pm2") ? "What that file sets is carried over, and PM2's defaults where pm's differ (autorestart, max_restarts, SIGINT)."
                        : "Only what that file sets is carried over; pm's defaults apply to the rest (docs/config.md).",
                "Relative paths are read from this file's folder: keep it beside " + file + "."));
        for (String n : fileNotes) header.add("not carried over: " + n);
        var out = new ArrayList<YamlOut.App>();
        int notes = fileNotes.size();
        for (var a : apps) {
            out.add(a.toApp());
            notes += a.notes.size();
        }
        return new Output(YamlOut.write(header, out), apps.size(), notes);
    }
}
