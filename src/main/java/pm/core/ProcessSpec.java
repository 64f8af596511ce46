package pm.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything pm needs to run one process, as registered. Validated here, once, so a spec that exists
 * is a spec that can be stored and run; the daemon and the CLI share this check.
 *
 * <p>Optional values have a neutral form instead of null: {@code port} 0 and an empty
 * {@code healthCheck} or {@code interpreter} mean "not set".
 */
public record ProcessSpec(
        String name,
        ProcessType type,
        String script,
        List<String> args,
        String interpreter,
        String cwd,
        Map<String, String> env,
        int port,
        String healthCheck,
        RestartPolicy restartPolicy,
        int maxRestarts,
        Duration restartDelay,
        int stopSignal,
        Duration killTimeout,
        HealthSettings health,
        Duration heartbeatTimeout,
        long maxMemory,
        LogSettings logs,
        /* The apps it waits for before it is started, each with its condition; never itself. */
        Map<String, Condition> dependsOn,
        Copies copies) {

    public static final int MAX_NAME_LENGTH = 64;
    // The defaults live in the field table; these name the ones code asks for.
    public static final int DEFAULT_MAX_RESTARTS = (Integer) Field.MAX_RESTARTS.defaultValue();
    public static final Duration DEFAULT_RESTART_DELAY = (Duration) Field.RESTART_DELAY.defaultValue();
    public static final Duration DEFAULT_KILL_TIMEOUT = (Duration) Field.KILL_TIMEOUT.defaultValue();
    /** An app that has sent a heartbeat and then is silent this long is unhealthy; 0 turns it off. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = (Duration) Field.HEARTBEAT_TIMEOUT.defaultValue();

    /** A spec with default health settings, heartbeat timeout and no memory limit. */
    public ProcessSpec(String name, ProcessType type, String script, List<String> args, String interpreter, String cwd,
                       Map<String, String> env, int port, String healthCheck, RestartPolicy restartPolicy,
                       int maxRestarts, Duration restartDelay, int stopSignal, Duration killTimeout) {
        this(name, type, script, args, interpreter, cwd, env, port, healthCheck, restartPolicy, maxRestarts,
                restartDelay, stopSignal, killTimeout, HealthSettings.DEFAULT, DEFAULT_HEARTBEAT_TIMEOUT, 0, LogSettings.DEFAULT);
    }

    /** A spec that depends on no other app, with one copy and no held socket. */
    public ProcessSpec(String name, ProcessType type, String script, List<String> args, String interpreter, String cwd,
                       Map<String, String> env, int port, String healthCheck, RestartPolicy restartPolicy,
                       int maxRestarts, Duration restartDelay, int stopSignal, Duration killTimeout, HealthSettings health,
                       Duration heartbeatTimeout, long maxMemory, LogSettings logs) {
        this(name, type, script, args, interpreter, cwd, env, port, healthCheck, restartPolicy, maxRestarts,
                restartDelay, stopSignal, killTimeout, health, heartbeatTimeout, maxMemory, logs, Map.of(), Copies.ONE);
    }

    public ProcessSpec {
        checkName(name);
        if (type == null) throw PmException.invalid("missing type");
        if (script == null || script.isBlank()) throw PmException.invalid("missing script: give the program to run");
        if (!script.startsWith("/")) throw PmException.invalid("script path must be absolute: " + script);
        args = List.copyOf(args);
        noNul("script", script);
        noNul("--cwd", cwd);
        for (String a : args) noNul("an argument", a);
        interpreter = interpreter == null ? "" : interpreter;
        noNul("--interpreter", interpreter);
        if (cwd == null || !cwd.startsWith("/")) throw PmException.invalid("--cwd must be an absolute directory");
        env = Map.copyOf(env);
        env.forEach(ProcessSpec::checkEnv);
        if (port < 0 || port > 65535) throw PmException.invalid("bad port " + port + ": use 1 to 65535");
        healthCheck = healthCheck == null ? "" : healthCheck;
        if (!healthCheck.isEmpty()) Probe.parse(healthCheck, port);
        if (restartPolicy == null) throw PmException.invalid("missing restart policy");
        if (maxRestarts < 0) throw PmException.invalid("--max-restarts must be 0 or more");
        if (restartDelay == null || restartDelay.isNegative()) throw PmException.invalid("bad --restart-delay");
        Signals.name(stopSignal);
        if (stopSignal < 1 || stopSignal > 31) throw PmException.invalid("bad stop signal " + stopSignal);
        if (killTimeout == null || killTimeout.isNegative()) throw PmException.invalid("bad --kill-timeout");
        if (health == null) health = HealthSettings.DEFAULT;
        if (heartbeatTimeout == null || heartbeatTimeout.isNegative()) throw PmException.invalid("bad --heartbeat-timeout");
        if (maxMemory < 0) throw PmException.invalid("--max-memory must be positive");
        if (logs == null) logs = LogSettings.DEFAULT;
        dependsOn = dependsOn == null ? Map.of() : Map.copyOf(dependsOn);
        for (String dependency : dependsOn.keySet()) {
            String problem = nameProblem(dependency);
            if (!problem.isEmpty()) throw PmException.invalid("depends_on: the name " + problem);
            if (dependency.equals(name)) throw PmException.invalid("depends_on: " + name + " cannot depend on itself");
        }
        if (copies == null) copies = Copies.ONE;
        if (copies.sockets().isEmpty() && port != 0 && port + copies.count() - 1 > 65535)
            throw PmException.invalid("--port " + port + " with --instances " + copies.count() + " needs ports up to "
                    + (port + copies.count() - 1) + ", past 65535");
    }

    private static void noNul(String what, String value) {
        if (value.indexOf('\0') >= 0) throw PmException.invalid(what + " holds a NUL character");
    }

    /** Names become file names and registry keys, so they are kept to a safe, printable alphabet. */
    public static void checkName(String name) {
        String problem = nameProblem(name);
        if (!problem.isEmpty()) throw PmException.invalid("the name " + problem);
    }

    /** What is wrong with a name, beginning with the name itself ("'a/b' may not contain '/': ..."); empty if nothing. */
    static String nameProblem(String name) {
        if (name == null || name.isEmpty()) return "is empty: give one such as web";
        if (name.length() > MAX_NAME_LENGTH)
            return "'" + printable(name.substring(0, 20)) + "...' is longer than " + MAX_NAME_LENGTH + " characters";
        if (name.equals(".")) return "'.' is not allowed";
        if (name.contains("..")) return "'" + printable(name) + "' may not contain '..'";
        if (name.startsWith("-")) return "'" + printable(name) + "' may not start with '-'";
        int colon = name.indexOf(':');
        if (colon > 0 && colon < name.length() - 1 && Names.copyNumber(name) >= 0) name = name.substring(0, colon); // a copy's: web:1
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '@';
            if (!ok) {
                String what = c == '/' ? "'/'" : c == ' ' ? "spaces" : c < 0x20 || c == 0x7f ? "control characters" : "'" + c + "'";
                return "'" + printable(name) + "' may not contain " + what + ": use letters, digits, '-', '_', '.' and '@'";
            }
        }
        return "";
    }

    /**
     * Why a new app may not take this name, or "": {@code all} stands for every app, and a name of digits
     * alone would read as an app's id. Only new names are checked: a registry may hold such names from
     * before the rule, and keeps them (a name matches before an id does).
     */
    public static String newNameProblem(String name) {
        if (name.equals("all")) return "'all' is reserved: it stands for every app; pick another name";
        if (name.contains(":")) return "'" + name + "' may not contain ':': NAME:N names copy N of an app";
        boolean digits = !name.isEmpty();
        for (int i = 0; i < name.length(); i++) digits &= name.charAt(i) >= '0' && name.charAt(i) <= '9';
        if (digits) return "'" + name + "' is all digits, which pm reads as an app's id; add a letter, such as app-" + name;
        return "";
    }

    private static void checkEnv(String key, String value) {
        if (key.isEmpty() || key.contains("=") || key.indexOf('\0') >= 0)
            throw PmException.invalid("bad --env name '" + printable(key) + "': write KEY=VALUE");
        if (value.indexOf('\0') >= 0) throw PmException.invalid("--env " + key + " holds a NUL character");
    }

    /** Parses one {@code --env KEY=VALUE}. */
    public static Map.Entry<String, String> parseEnv(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) throw PmException.invalid("bad --env '" + printable(text) + "': write KEY=VALUE, such as --env DEBUG=true");
        String key = text.substring(0, eq);
        checkEnv(key, text.substring(eq + 1));
        return Map.entry(key, text.substring(eq + 1));
    }

    /** Control characters written as \xNN, so a message shows what was typed. */
    public static String printable(String s) {
        var out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            else out.append(c);
        }
        return out.toString();
    }

    /** The words of a command line split on whitespace, as {@code --interpreter "node --max-old-space-size=64"} is. */
    static List<String> words(String text) {
        var out = new ArrayList<String>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean space = i == text.length() || Character.isWhitespace(text.charAt(i));
            if (space && start >= 0) {
                out.add(text.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return out;
    }

    /** The interpreter as argv words, the program first; empty when the type's default runs the script. */
    public List<String> interpreterWords() {
        return words(interpreter);
    }

    /** The health check's probe, or empty when there is none. */
    public Optional<Probe> probe() {
        return healthCheck.isEmpty() ? Optional.empty() : Optional.of(Probe.parse(healthCheck, port));
    }

    public ProcessSpec withEnv(Map<String, String> newEnv) {
        return new ProcessSpec(name, type, script, args, interpreter, cwd, newEnv, port, healthCheck,
                restartPolicy, maxRestarts, restartDelay, stopSignal, killTimeout, health, heartbeatTimeout, maxMemory, logs, dependsOn, copies);
    }

    public ProcessSpec withCopies(Copies newCopies) {
        return new ProcessSpec(name, type, script, args, interpreter, cwd, env, port, healthCheck,
                restartPolicy, maxRestarts, restartDelay, stopSignal, killTimeout, health, heartbeatTimeout, maxMemory, logs, dependsOn, newCopies);
    }

    /**
     * The spec copy {@code i} runs with: named NAME:i (copy 0 keeps NAME, so its logs stay where a single
     * copy's are), told PM_INSTANCE and PM_INSTANCES, and with a port of its own (P+i) unless the copies
     * share held sockets. Its name is no registrable name ({@link #newNameProblem} refuses ':').
     */
    public ProcessSpec copy(int i) {
        var copyEnv = new LinkedHashMap<>(env);
        copyEnv.put("PM_INSTANCE", Integer.toString(i));
        copyEnv.put("PM_INSTANCES", Integer.toString(copies.count()));
        int copyPort = port == 0 || !copies.sockets().isEmpty() ? port : port + i;
        return new ProcessSpec(Names.ofCopy(name, i), type, script, args, interpreter, cwd, copyEnv, copyPort, healthCheck,
                restartPolicy, maxRestarts, restartDelay, stopSignal, killTimeout, health, heartbeatTimeout, maxMemory, logs, dependsOn, copies);
    }

    /** The stored form (registry.json, the register request, {@code list --json}); a value not set is null. */
    public Map<String, Object> toJson() {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", name);
        m.put("type", type.wireName());
        m.put("script", script);
        m.put("args", args);
        m.put("interpreter", interpreter.isEmpty() ? null : interpreter);
        m.put("cwd", cwd);
        m.put("env", new java.util.TreeMap<>(env));
        m.put("port", port == 0 ? null : port);
        m.put("health_check", healthCheck.isEmpty() ? null : healthCheck);
        m.put("restart_policy", restartPolicy.wireName());
        m.put("max_restarts", maxRestarts);
        m.put("restart_delay_ms", restartDelay.toMillis());
        m.put("stop_signal", Signals.name(stopSignal));
        m.put("kill_timeout_ms", killTimeout.toMillis());
        m.put("health_interval_ms", health.interval().toMillis());
        m.put("health_timeout_ms", health.timeout().toMillis());
        m.put("health_retries", health.retries());
        m.put("health_start_period_ms", health.startPeriod().toMillis());
        m.put("heartbeat_timeout_ms", heartbeatTimeout.toMillis());
        m.put("max_memory_bytes", maxMemory == 0 ? null : maxMemory);
        m.put("max_log_size_bytes", logs.maxSize());
        m.put("log_files", logs.keep());
        var dependencies = new java.util.TreeMap<String, Object>();
        dependsOn.forEach((n, c) -> dependencies.put(n, c.wireName()));
        m.put("depends_on", dependencies);
        m.put("instances", copies.count());
        m.put("sockets", copies.sockets());
        m.put("ready_after_ms", copies.readyAfter().toMillis());
        return m;
    }

    /**
     * Reads the stored form back ({@link #toJson}); a missing or null optional field takes its default, so
     * older files still load. A value of the wrong type is refused with its field's path
     * ({@code spec.port: expected a whole number, got the string '80'}), never stored as something else.
     */
    public static ProcessSpec fromJson(Map<String, Object> m) {
        var env = new LinkedHashMap<String, String>();
        if (m.get("env") instanceof Map<?, ?> e) {
            e.forEach((k, v) -> {
                if (!(v instanceof String value))
                    throw stored("env." + k, v == null ? "is null: an empty value is written \"\"" : "expected a string, got " + what(v));
                env.put(String.valueOf(k), value);
            });
        } else if (m.get("env") != null) {
            throw stored("env", "expected a map of names to values, got " + what(m.get("env")));
        }
        var args = strings(m, "args");
        var dependsOn = new LinkedHashMap<String, Condition>();
        if (m.get("depends_on") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> {
                Condition c = v instanceof String word ? Condition.of(word) : null;
                if (c == null) throw stored("depends_on." + k, "expected one of " + String.join(", ", Condition.words()) + ", got " + what(v));
                dependsOn.put(String.valueOf(k), c);
            });
        } else if (m.get("depends_on") != null) {
            throw stored("depends_on", "expected a map of names to conditions, got " + what(m.get("depends_on")));
        }
        var health = HealthSettings.DEFAULT;
        var logs = LogSettings.DEFAULT;
        var sockets = strings(m, "sockets");
        return new ProcessSpec(
                str(m, "name", null),
                ProcessType.parse(str(m, "type", "binary")),
                str(m, "script", null),
                args,
                str(m, "interpreter", ""),
                str(m, "cwd", null),
                env,
                (int) num(m, "port", 0, 65535),
                str(m, "health_check", ""),
                RestartPolicy.parse(str(m, "restart_policy", "on-failure")),
                (int) num(m, "max_restarts", DEFAULT_MAX_RESTARTS, Integer.MAX_VALUE),
                millis(m, "restart_delay_ms", DEFAULT_RESTART_DELAY),
                Signals.parse(str(m, "stop_signal", "TERM")),
                millis(m, "kill_timeout_ms", DEFAULT_KILL_TIMEOUT),
                new HealthSettings(
                        millis(m, "health_interval_ms", health.interval()),
                        millis(m, "health_timeout_ms", health.timeout()),
                        (int) num(m, "health_retries", health.retries(), Integer.MAX_VALUE),
                        millis(m, "health_start_period_ms", health.startPeriod())),
                millis(m, "heartbeat_timeout_ms", DEFAULT_HEARTBEAT_TIMEOUT),
                num(m, "max_memory_bytes", 0, Long.MAX_VALUE),
                new LogSettings(num(m, "max_log_size_bytes", logs.maxSize(), Long.MAX_VALUE),
                        (int) num(m, "log_files", logs.keep(), Integer.MAX_VALUE)),
                dependsOn,
                new Copies((int) num(m, "instances", 1, Copies.MAX), sockets, millis(m, "ready_after_ms", Duration.ZERO)));
    }

    private static List<String> strings(Map<String, Object> m, String key) {
        var out = new ArrayList<String>();
        if (m.get(key) instanceof List<?> a) {
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof String item)) throw stored(key + "[" + i + "]", "expected a string, got " + what(a.get(i)));
                out.add(item);
            }
        } else if (m.get(key) != null) {
            throw stored(key, "expected a list of strings, got " + what(m.get(key)));
        }
        return out;
    }

    private static PmException stored(String key, String message) {
        return PmException.invalid("spec." + key + ": " + message);
    }

    private static String str(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (v instanceof String s) return s;
        throw stored(key, "expected a string, got " + what(v));
    }

    private static long num(Map<String, Object> m, String key, long fallback, long max) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Long || v instanceof Integer)) throw stored(key, "expected a whole number, got " + what(v));
        long n = ((Number) v).longValue();
        if (n < 0 || n > max) throw stored(key, n + " is out of range (0 to " + max + ")");
        return n;
    }

    private static Duration millis(Map<String, Object> m, String key, Duration fallback) {
        return Duration.ofMillis(num(m, key, fallback.toMillis(), Integer.MAX_VALUE)); // what older versions stored
    }

    /** A value of the wrong type as a message names it ("the string 'x'", "a list", "null"). */
    public static String what(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "the string '" + printable(s) + "'";
        if (v instanceof List<?>) return "a list";
        if (v instanceof Map<?, ?>) return "a map";
        return v.toString();
    }
}
