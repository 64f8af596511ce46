package pm.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What pm works out from the program a spec names: its absolute path, its kind, a name for it. */
final class Script {
    private Script() {}

    /**
     * A path (relative to {@code base}) that must be a file, or a bare program name found on {@code path}
     * (a PATH value, or null). Throws INVALID with a message that stands on its own.
     */
    static Path resolve(String arg, Path base, String path) {
        if (arg.isEmpty()) throw PmException.invalid("the script is empty: give the program to run");
        Path local = base.resolve(arg).normalize();
        if (Files.isRegularFile(local)) return local;
        if (Files.isDirectory(local)) throw PmException.invalid(arg + " is a directory: give the file to run");
        if (!arg.contains("/") && path != null) {
            for (String dir : path.split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, arg);
                if (Files.isExecutable(p) && Files.isRegularFile(p)) return base.resolve(p).normalize();
            }
        }
        throw PmException.invalid("script not found: " + local + " (check the path, it is relative to " + base + ")");
    }

    /** The kind of program from its extension, else its {@code #!} line, else binary if it is executable; empty if none fits. */
    static ProcessType inferType(Path script) {
        ProcessType byExtension = ProcessType.ofExtension(script.getFileName().toString());
        if (byExtension != null) return byExtension;
        String shebang = shebang(script);
        if (shebang.contains("python")) return ProcessType.PYTHON;
        if (shebang.contains("node")) return ProcessType.NODEJS;
        if (shebang.matches(".*\\b(ba|da|z|k)?sh\\b.*")) return ProcessType.SHELL;
        if (Files.isExecutable(script)) return ProcessType.BINARY;
        return null;
    }

    private static String shebang(Path script) {
        try (InputStream in = Files.newInputStream(script)) {
            byte[] head = in.readNBytes(256);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("#!")) return "";
            int nl = text.indexOf('\n');
            return (nl < 0 ? text : text.substring(0, nl)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The file name without its extension: {@code app.py} is {@code app}. */
    static String defaultName(Path script) {
        String file = script.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
