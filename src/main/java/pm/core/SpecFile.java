package pm.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A spec written as a file's keys with human units ({@code restart_delay: 100ms}, {@code max_memory:
 * 200M}), as {@code pm export} writes an app of a pm.yaml: what {@link SpecBuilder} reads back to an
 * equal spec.
 */
public final class SpecFile {
    private SpecFile() {}

    /**
     * The spec as file keys, in the field table's order: its name, script, type and folder always (a file
     * read elsewhere must not infer or resolve them differently), every other field only where it differs
     * from the default. Values are strings, whole numbers, lists and maps, ready for YAML or JSON.
     */
    public static Map<String, Object> toKeys(ProcessSpec spec) {
        var out = new LinkedHashMap<String, Object>();
        for (var f : Field.values()) {
            Object value = f.valueIn(spec);
            boolean always = f == Field.NAME || f == Field.SCRIPT || f == Field.TYPE || f == Field.CWD;
            if (always || !value.equals(f.defaultValue())) out.put(f.key(), file(f, value));
        }
        return out;
    }

    private static Object file(Field f, Object value) {
        return switch (f.kind()) {
            case COUNT, PORT, BOOL, LIST -> value;
            case MAP -> new TreeMap<>((Map<?, ?>) value);
            case DURATION, SIZE, CHOICE, STRING -> human(f, value);
        };
    }

    /** A value as a person writes it: 100ms, 200M, on-failure, SIGTERM, 10. */
    // An if-chain, not a pattern switch: register's help is built on every CLI start, and a type switch
    // is bootstrapped through invokedynamic at run time (see Json.write).
    public static String human(Field f, Object value) {
        if (value instanceof Duration d) return Units.formatDuration(d);
        if (value instanceof Long bytes && f.kind() == Field.Kind.SIZE) return Units.formatSizeExact(bytes);
        if (value instanceof Integer signal && f == Field.STOP_SIGNAL) return Signals.name(signal);
        if (value instanceof ProcessType t) return t.wireName();
        if (value instanceof RestartPolicy p) return p.wireName();
        if (value instanceof List<?> l) return String.join(" ", l.stream().map(String::valueOf).toList());
        return String.valueOf(value);
    }
}
