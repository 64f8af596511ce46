package pm.daemon.engine;

import pm.core.ErrorCode;
import pm.core.PmException;
import pm.core.ProcessSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's arguments read by their type. A field of the wrong type is refused with its path
 * (BAD_REQUEST), never read as false, skipped, or turned into text: {@code "force":"yes"} is not a stop
 * without force, and {@code "env":{"A":null}} does not set A to "null".
 */
final class Args {
    private Args() {}

    /** A true/false field; absent is false. */
    static boolean flag(Map<String, Object> args, String key) {
        Object v = args.get(key);
        if (v == null || v instanceof Boolean) return Boolean.TRUE.equals(v);
        throw wrong(key, "expected true or false, got " + ProcessSpec.what(v));
    }

    /** The {@code env} field of a restart or reload: names to string values; absent is none. */
    static Map<String, String> env(Map<String, Object> args) {
        Object raw = args.get("env");
        if (raw == null) return Map.of();
        if (!(raw instanceof Map<?, ?> m)) throw wrong("env", "expected an object of names to string values, got " + ProcessSpec.what(raw));
        var env = new LinkedHashMap<String, String>();
        for (var e : m.entrySet()) {
            if (!(e.getValue() instanceof String value))
                throw wrong("env." + e.getKey(), e.getValue() == null ? "is null: an empty value is written \"\""
                        : "expected a string, got " + ProcessSpec.what(e.getValue()));
            env.put(String.valueOf(e.getKey()), value);
        }
        return env;
    }

    private static PmException wrong(String path, String message) {
        return new PmException(ErrorCode.BAD_REQUEST, path + ": " + message);
    }
}
