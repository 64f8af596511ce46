package pm.core;

import java.util.Locale;

/**
 * What an app waits for in an app it depends on before it is started: the words of compose and
 * process-compose.
 */
public enum Condition {
    /** The dependency has been spawned (or has run and exited). */
    STARTED,
    /** The dependency runs and its health check (or, without one, its heartbeat) passes. */
    HEALTHY,
    /** The dependency ran and exited with status 0: a migration, a setup job. */
    COMPLETED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The condition with this word, or null. */
    public static Condition of(String word) {
        for (var c : values()) if (c.wireName().equals(word.strip().toLowerCase(Locale.ROOT))) return c;
        return null;
    }

    /** The words, as messages and the schema list them. */
    public static java.util.List<String> words() {
        var out = new java.util.ArrayList<String>();
        for (var c : values()) out.add(c.wireName());
        return out;
    }
}
