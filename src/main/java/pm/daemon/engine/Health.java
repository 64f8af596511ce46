package pm.daemon.engine;

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
}
