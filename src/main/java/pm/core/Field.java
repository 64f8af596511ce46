package pm.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every field of a {@link ProcessSpec}, each known here once: its command-line flag, its key in a file
 * (pm.yaml, the HTTP API's JSON), its kind, its default, its help text, and whether a change to it only
 * takes effect when the app is spawned again. {@code register}'s flags and help are generated from this
 * table, {@link SpecBuilder} reads raw values by it, {@link SpecFile} writes specs by it and
 * {@link SpecDiff} compares them by it. A new field is a new row here, a case in {@link #valueIn}, and
 * its place in {@link ProcessSpec} (with its stored key in toJson and fromJson).
 */
public enum Field {
    // The order of register's help. The script and its arguments are positional on the command line.
    SCRIPT("", "script", Kind.STRING, "SCRIPT", null, true, "the program to run: a path (relative to the caller's folder) or a bare name found on PATH"),
    ARGS("", "args", Kind.LIST, "ARGS", List.of(), true, "arguments for the app"),
    NAME("name", "name", Kind.STRING, "NAME", null, true, "its name (default: the script's file name without extension)"),
    TYPE("type", "type", Kind.CHOICE, "TYPE", null, true, "(default: from the extension or #! line)",
            "python", "nodejs", "shell", "java", "binary"),
    INTERPRETER("interpreter", "interpreter", Kind.STRING, "PROGRAM", "", true,
            "run the script with this program instead of the type's default (python: a .venv/ or venv/ beside it); quote it with its own arguments"),
    PORT("port", "port", Kind.PORT, "PORT", 0, true, "the port it listens on; passed to it as PORT"),
    HEALTH_CHECK("health-check", "health_check", Kind.STRING, "CHECK", "", false,
            "/PATH on --port, an http:// URL, tcp://HOST:PORT or cmd:COMMAND"),
    HEALTH_INTERVAL("health-interval", "health_interval", Kind.DURATION, "DURATION", Duration.ofSeconds(10), false,
            "time between health checks", 10, Field.MAX_DURATION_MILLIS),
    HEALTH_TIMEOUT("health-timeout", "health_timeout", Kind.DURATION, "DURATION", Duration.ofSeconds(1), false,
            "time one check may take", 1, Field.MAX_DURATION_MILLIS),
    HEALTH_RETRIES("health-retries", "health_retries", Kind.COUNT, "N", 3, false,
            "failures in a row before it is unhealthy", 1, Integer.MAX_VALUE),
    HEALTH_START_PERIOD("health-start-period", "health_start_period", Kind.DURATION, "DURATION", Duration.ofSeconds(30), false,
            "failures this soon after a start do not count"),
    // Spawn-relevant: the app is told how often to beat (a third of the timeout).
    HEARTBEAT_TIMEOUT("heartbeat-timeout", "heartbeat_timeout", Kind.DURATION, "DURATION", Duration.ofSeconds(30), true,
            "silence after a heartbeat that makes it unhealthy, or 0 for never"),
    MAX_MEMORY("max-memory", "max_memory", Kind.SIZE, "SIZE", 0L, false,
            "restart it when its memory is above this, such as 200M; 0: no limit"),
    MAX_LOG_SIZE("max-log-size", "max_log_size", Kind.SIZE, "SIZE", 50L << 20, false,
            "rotate a log file when it grows past this, or 0 for never", 8192, Long.MAX_VALUE),
    LOG_FILES("log-files", "log_files", Kind.COUNT, "N", 10, false, "rotated files to keep per log", 1, 1000),
    RESTART_POLICY("restart-policy", "restart_policy", Kind.CHOICE, "POLICY", RestartPolicy.ON_FAILURE, false, "",
            "never", "on-failure", "always", "unless-stopped"),
    MAX_RESTARTS("max-restarts", "max_restarts", Kind.COUNT, "N", 10, false,
            "restarts in a row before giving up, except with unless-stopped"),
    RESTART_DELAY("restart-delay", "restart_delay", Kind.DURATION, "DURATION", Duration.ofMillis(100), false,
            "delay before a restart from the 2nd quick crash in a row, doubled each time up to 30s"),
    ENV("env", "env", Kind.MAP, "KEY=VALUE", Map.of(), true, "an environment variable for it (repeatable)"),
    CWD("cwd", "cwd", Kind.STRING, "DIR", null, true, "its working folder (default: the current folder)"),
    STOP_SIGNAL("stop-signal", "stop_signal", Kind.CHOICE, "SIGNAL", Signals.SIGTERM, false, "signal that asks it to stop"),
    KILL_TIMEOUT("kill-timeout", "kill_timeout", Kind.DURATION, "DURATION", Duration.ofSeconds(10), false,
            "time it gets to stop before SIGKILL"),
    // Not spawn-relevant: it decides when the app is started, not how.
    DEPENDS_ON("depends-on", "depends_on", Kind.DEPENDENCIES, "APP[:CONDITION]", Map.of(), false,
            "start it only once this app is started (default), healthy or completed, such as db:healthy (repeatable)"),
    // Not spawn-relevant: a changed count starts or stops copies (pm scale), leaving the others running.
    INSTANCES("instances", "instances", Kind.COUNT, "N", 1, false,
            "copies to run; copy i gets PM_INSTANCE=i, PM_INSTANCES=N and, with --port P and no --socket, PORT=P+i",
            1, Copies.MAX),
    SOCKETS("socket", "sockets", Kind.LIST, "ADDRESS", List.of(), true,
            "a listening socket pm holds and passes to every copy as fd 3 and up (LISTEN_FDS): tcp://HOST:PORT or unix:PATH (repeatable)"),
    READY_AFTER("ready-after", "ready_after", Kind.DURATION, "DURATION", Duration.ZERO, false,
            "in pm reload, a new copy with no health check is ready after this or its first heartbeat (0: 2s)");

    /** The shape of a field's value, which decides how a raw value is read and written. */
    public enum Kind {
        /** A time with its unit: 500ms, 5s, 2m, 1h; 0 alone. */
        DURATION,
        /** A size with its unit: 512K, 10M, 1G, 100B; 0 alone. */
        SIZE,
        /** A whole number, 0 or more unless the field says otherwise. */
        COUNT,
        /** A TCP port, 1 to 65535. */
        PORT,
        /** One of a closed set of words. */
        CHOICE,
        STRING,
        /** A list of strings (a YAML or JSON list; repeated values on the command line). */
        LIST,
        /** A map of strings (a YAML or JSON object, or KEY=VALUE words). */
        MAP,
        BOOL,
        /** App names, each with the {@link Condition} it must meet (a list of names, or a map of names to conditions). */
        DEPENDENCIES
    }

    /** Durations are kept within what a millisecond count in an int holds (socket timeouts take one): 24 days. */
    static final long MAX_DURATION_MILLIS = 24 * 86_400_000L;

    private final String flag;
    private final String key;
    private final Kind kind;
    private final String valueName;
    private final Object defaultValue;
    private final boolean spawn;
    private final String help;
    private final long min;
    private final long max;
    private final List<String> choices;

    Field(String flag, String key, Kind kind, String valueName, Object defaultValue, boolean spawn, String help,
          String... choices) {
        this(flag, key, kind, valueName, defaultValue, spawn, help, kind == Kind.PORT ? 1 : 0,
                kind == Kind.PORT ? 65535 : kind == Kind.DURATION ? MAX_DURATION_MILLIS : kind == Kind.SIZE ? Long.MAX_VALUE : Integer.MAX_VALUE,
                choices);
    }

    Field(String flag, String key, Kind kind, String valueName, Object defaultValue, boolean spawn, String help,
          long min, long max, String... choices) {
        this.flag = flag;
        this.key = key;
        this.kind = kind;
        this.valueName = valueName;
        this.defaultValue = defaultValue;
        this.spawn = spawn;
        this.help = help;
        this.min = min;
        this.max = max;
        this.choices = List.of(choices);
    }

    /** The command-line flag without its dashes ({@code restart-policy}); empty for the positional script and args. */
    public String flag() {
        return flag;
    }

    /** The key in a file or a JSON request ({@code restart_policy}). */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** What the help calls its value: DURATION, SIZE, N, POLICY. */
    public String valueName() {
        return valueName;
    }

    /**
     * The value a spec gets when none is given, in the form {@link #valueIn} returns; null where it is
     * worked out instead (the name and type from the script, the folder from the caller) or required.
     */
    public Object defaultValue() {
        return defaultValue;
    }

    /** Whether a change takes effect only when the app is spawned again (a running app needs a restart). */
    public boolean mattersAtSpawn() {
        return spawn;
    }

    /** One line for register's help: the choices, the text, and the default where it is a plain value. */
    public String help() {
        String text = choices.isEmpty() ? help : String.join(", ", choices) + (help.isEmpty() ? "" : " " + help);
        boolean none = defaultValue == null || defaultValue.equals("") || defaultValue.equals(0) || defaultValue.equals(0L)
                || defaultValue instanceof List<?> l && l.isEmpty() || defaultValue instanceof Map<?, ?> m && m.isEmpty();
        return none ? text : text + " (default " + SpecFile.human(this, defaultValue) + ")";
    }

    /** The smallest value allowed, in milliseconds, bytes or units; 0 is allowed where {@link #zeroIsOff}. */
    public long min() {
        return min;
    }

    /** The largest value allowed, in milliseconds, bytes or units. */
    public long max() {
        return max;
    }

    /** The allowed words of a {@link Kind#CHOICE}, as written; empty where there are too many to list (signals). */
    public List<String> choices() {
        return choices;
    }

    /** 0 turns the feature off, whatever the minimum. */
    public boolean zeroIsOff() {
        return this == HEARTBEAT_TIMEOUT || this == MAX_MEMORY || this == MAX_LOG_SIZE || this == READY_AFTER;
    }

    /** The field with this file key, or null. */
    public static Field byKey(String key) {
        for (var f : values()) if (f.key.equals(key)) return f;
        return null;
    }

    /** The field with this flag (without dashes), or null. */
    public static Field byFlag(String flag) {
        for (var f : values()) if (!f.flag.isEmpty() && f.flag.equals(flag)) return f;
        return null;
    }

    /** The spec's value of this field, in the form of {@link #defaultValue}: Duration, Long, Integer, String, enum, List, Map. */
    public Object valueIn(ProcessSpec s) {
        return switch (this) {
            case SCRIPT -> s.script();
            case ARGS -> s.args();
            case NAME -> s.name();
            case TYPE -> s.type();
            case INTERPRETER -> s.interpreter();
            case PORT -> s.port();
            case HEALTH_CHECK -> s.healthCheck();
            case HEALTH_INTERVAL -> s.health().interval();
            case HEALTH_TIMEOUT -> s.health().timeout();
            case HEALTH_RETRIES -> s.health().retries();
            case HEALTH_START_PERIOD -> s.health().startPeriod();
            case HEARTBEAT_TIMEOUT -> s.heartbeatTimeout();
            case MAX_MEMORY -> s.maxMemory();
            case MAX_LOG_SIZE -> s.logs().maxSize();
            case LOG_FILES -> s.logs().keep();
            case RESTART_POLICY -> s.restartPolicy();
            case MAX_RESTARTS -> s.maxRestarts();
            case RESTART_DELAY -> s.restartDelay();
            case ENV -> s.env();
            case CWD -> s.cwd();
            case STOP_SIGNAL -> s.stopSignal();
            case KILL_TIMEOUT -> s.killTimeout();
            case DEPENDS_ON -> s.dependsOn();
            case INSTANCES -> s.copies().count();
            case SOCKETS -> s.copies().sockets();
            case READY_AFTER -> s.copies().readyAfter();
        };
    }
}
