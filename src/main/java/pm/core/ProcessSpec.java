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
        LogSettings logs) {

    public static final int MAX_NAME_LENGTH = 64;
    public static final int DEFAULT_MAX_RESTARTS = 10;
    public static final Duration DEFAULT_RESTART_DELAY = Duration.ofMillis(100);
    public static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofSeconds(10);
    /** An app that has sent a heartbeat and then is silent this long is unhealthy; 0 turns it off. */
    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    /** A spec with default health settings, heartbeat timeout and no memory limit. */
    public ProcessSpec(String name, ProcessType type, String script, List<String> args, String interpreter, String cwd,
                       Map<String, String> env, int port, String healthCheck, RestartPolicy restartPolicy,
                       int maxRestarts, Duration restartDelay, int stopSignal, Duration killTimeout) {
        this(name, type, script, args, interpreter, cwd, env, port, healthCheck, restartPolicy, maxRestarts,
                restartDelay, stopSignal, killTimeout, HealthSettings.DEFAULT, DEFAULT_HEARTBEAT_TIMEOUT, 0, LogSettings.DEFAULT);
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
    }

    private static void noNul(String what, String value) {
        if (value.indexOf('\0') >= 0) throw PmException.invalid(what + " holds a NUL character");
    }

    /** Names become file names and registry keys, so they are kept to a safe, printable alphabet. */
    public static void checkName(String name) {
        if (name == null || name.isEmpty()) throw PmException.invalid("the name is empty: give one with --name");
        if (name.length() > MAX_NAME_LENGTH)
            throw PmException.invalid("the name '" + name.substring(0, 20) + "...' is longer than " + MAX_NAME_LENGTH + " characters");
        if (name.equals(".")) throw PmException.invalid("the name may not be '.'");
        if (name.contains("..")) throw PmException.invalid("the name '" + name + "' may not contain '..'");
        if (name.startsWith("-")) throw PmException.invalid("the name '" + name + "' may not start with '-'");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '@';
            if (!ok) {
                String what = c == '/' ? "'/'" : c == ' ' ? "spaces" : c < 0x20 || c == 0x7f ? "control characters" : "'" + c + "'";
                throw PmException.invalid("the name '" + printable(name) + "' may not contain " + what
                        + ": use letters, digits, '-', '_', '.' and '@'");
            }
        }
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

    private static String printable(String s) {
        var out = new StringBuilder();
        for (char c : s.toCharArray()) out.append(c < 0x20 || c == 0x7f ? "\\x" + String.format("%02x", (int) c) : String.valueOf(c));
        return out.toString();
    }

    /** The health check's probe, or empty when there is none. */
    public Optional<Probe> probe() {
        return healthCheck.isEmpty() ? Optional.empty() : Optional.of(Probe.parse(healthCheck, port));
    }

    public ProcessSpec withEnv(Map<String, String> newEnv) {
        return new ProcessSpec(name, type, script, args, interpreter, cwd, newEnv, port, healthCheck,
                restartPolicy, maxRestarts, restartDelay, stopSignal, killTimeout, health, heartbeatTimeout, maxMemory, logs);
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
        return m;
    }

    /** Reads a spec back; missing optional fields take their defaults, so older files still load. */
    public static ProcessSpec fromJson(Map<String, Object> m) {
        try {
            var env = new LinkedHashMap<String, String>();
            if (m.get("env") instanceof Map<?, ?> e) e.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
            var args = new ArrayList<String>();
            if (m.get("args") instanceof List<?> a) a.forEach(x -> args.add(String.valueOf(x)));
            return new ProcessSpec(
                    (String) m.get("name"),
                    ProcessType.parse(str(m, "type", "binary")),
                    (String) m.get("script"),
                    args,
                    str(m, "interpreter", ""),
                    (String) m.get("cwd"),
                    env,
                    num(m, "port", 0),
                    str(m, "health_check", ""),
                    RestartPolicy.parse(str(m, "restart_policy", "on-failure")),
                    num(m, "max_restarts", DEFAULT_MAX_RESTARTS),
                    Duration.ofMillis(num(m, "restart_delay_ms", DEFAULT_RESTART_DELAY.toMillis())),
                    Signals.parse(str(m, "stop_signal", "TERM")),
                    Duration.ofMillis(num(m, "kill_timeout_ms", DEFAULT_KILL_TIMEOUT.toMillis())),
                    new HealthSettings(
                            Duration.ofMillis(num(m, "health_interval_ms", HealthSettings.DEFAULT.interval().toMillis())),
                            Duration.ofMillis(num(m, "health_timeout_ms", HealthSettings.DEFAULT.timeout().toMillis())),
                            num(m, "health_retries", HealthSettings.DEFAULT.retries()),
                            Duration.ofMillis(num(m, "health_start_period_ms", HealthSettings.DEFAULT.startPeriod().toMillis()))),
                    Duration.ofMillis(num(m, "heartbeat_timeout_ms", DEFAULT_HEARTBEAT_TIMEOUT.toMillis())),
                    m.get("max_memory_bytes") instanceof Number n ? n.longValue() : 0,
                    new LogSettings(m.get("max_log_size_bytes") instanceof Number n ? n.longValue() : LogSettings.DEFAULT.maxSize(),
                            num(m, "log_files", LogSettings.DEFAULT.keep())));
        } catch (ClassCastException e) {
            throw PmException.invalid("malformed process spec: " + e.getMessage());
        }
    }

    private static String str(Map<String, Object> m, String key, String fallback) {
        Object v = m.get(key);
        return v == null ? fallback : (String) v;
    }

    private static int num(Map<String, Object> m, String key, long fallback) {
        Object v = m.get(key);
        long n = v == null ? fallback : ((Number) v).longValue();
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE)
            throw PmException.invalid(key.replace("_ms", "").replace('_', '-') + " is too large (at most "
                    + (key.endsWith("_ms") ? "24 days" : Integer.MAX_VALUE) + ")");
        return (int) n;
    }
}
