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
