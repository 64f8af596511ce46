package pm.core;

import java.util.Locale;

/** What the health check and heartbeats say about a running process. */
public enum Health {
    /** No health check, and no heartbeat received yet. */
    NONE,
    /** Checked, but no verdict yet. */
    UNKNOWN,
    HEALTHY,
    UNHEALTHY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The health with this wire name; an unknown name reads as UNKNOWN. */
    public static Health of(String wireName) {
        for (var h : values()) if (h.wireName().equals(wireName)) return h;
        return UNKNOWN;
    }
}
