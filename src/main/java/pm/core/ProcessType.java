package pm.core;

import java.util.Locale;

/** What kind of program a process runs, which decides the command line pm builds for it. */
public enum ProcessType {
    PYTHON("python3"),
    NODEJS("node"),
    SHELL("bash"),
    JAVA("java"),
    BINARY("");

    private final String defaultInterpreter;

    ProcessType(String defaultInterpreter) {
        this.defaultInterpreter = defaultInterpreter;
    }

    public String defaultInterpreter() {
        return defaultInterpreter;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind a file's extension names ({@code app.py} is python), or null when it names none. */
    public static ProcessType ofExtension(String file) {
        String f = file.toLowerCase(Locale.ROOT);
        if (f.endsWith(".py")) return PYTHON;
        if (f.endsWith(".js") || f.endsWith(".mjs") || f.endsWith(".cjs")) return NODEJS;
        if (f.endsWith(".sh") || f.endsWith(".bash")) return SHELL;
        if (f.endsWith(".jar")) return JAVA;
        return null;
    }

    public static ProcessType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "python", "python3", "py" -> PYTHON;
            case "nodejs", "node", "js" -> NODEJS;
            case "shell", "sh", "bash" -> SHELL;
            case "java", "jar" -> JAVA;
            case "binary", "bin", "exec" -> BINARY;
            default -> throw PmException.invalid(
                    "unknown type '" + text + "': use python, nodejs, shell, java or binary");
        };
    }
}
