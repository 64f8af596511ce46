package pm.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A dotenv file ({@code env_file}): {@code KEY=VALUE} lines, an optional {@code export } before the key,
 * {@code #} comments and blank lines; a value in single quotes is taken as it is, in double quotes with
 * {@code \n}, {@code \t}, {@code \"} and {@code \\} escapes, unquoted up to a {@code " #"} comment and
 * stripped. No variables are expanded. Written by hand: the format is a dozen lines, and the Java
 * dotenv libraries read a file into the process's own settings rather than a map.
 */
final class DotEnv {
    private DotEnv() {}

    /** The file's text, or null when it cannot be read (the problem, saying why, to {@code problem}). */
    static String text(Path file, String shown, Consumer<String> problem) {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            problem.accept(shown + ": no such file");
        } catch (IOException e) {
            problem.accept(shown + ": cannot read it: " + e.getMessage());
        }
        return null;
    }

    /** The variables of the file {@code shown}, whose text this is, in order; each line that is no KEY=VALUE to {@code problem}. */
    static Map<String, String> parse(String text, String shown, Consumer<String> problem) {
        var out = new LinkedHashMap<String, String>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (t.startsWith("export ")) t = t.substring(7).strip();
            int eq = t.indexOf('=');
            String key = eq < 0 ? t : t.substring(0, eq).strip();
            if (eq <= 0 || !key.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                problem.accept(shown + ":" + number + ": '" + t + "' is not KEY=VALUE");
                continue;
            }
            out.put(key, value(t.substring(eq + 1).strip()));
        }
        return out;
    }

    private static String value(String raw) {
        if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.substring(1, raw.length() - 1);
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            var out = new StringBuilder();
            String inner = raw.substring(1, raw.length() - 1);
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c == '\\' && i + 1 < inner.length()) {
                    char n = inner.charAt(++i);
                    out.append(switch (n) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> n;
                    });
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        int comment = raw.indexOf(" #");
        return (comment < 0 ? raw : raw.substring(0, comment)).strip();
    }
}
